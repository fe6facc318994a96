-- When the admin disabled the user (epoch ms); NULL while enabled. A disabled user's keys are
-- refused (AccessControl); PatchUsers bumps auth_changes so every node stops honouring them.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
