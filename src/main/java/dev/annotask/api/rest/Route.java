package dev.annotask.api.rest;

import dev.annotask.api.RpcMethod;

/**
 * One HTTP binding of an RPC: verb, path template and where the body goes ({@code *} for the
 * whole request, empty for none).
 */
record Route(String verb, PathTemplate path, String body, RpcMethod method) {
}
