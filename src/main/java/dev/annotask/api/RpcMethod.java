package dev.annotask.api;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Message;
import dev.annotask.identity.AccessRule;
import dev.annotask.proto.auth.AuthType;
import dev.annotask.proto.auth.ExtensionProto;

/**
 * One RPC of the schema: its descriptor, HTTP binding, access rule and the prototypes of its
 * request and response messages. Built once from the service descriptor; immutable.
 */
public final class RpcMethod {
    private final MethodDescriptor descriptor;
    private final HttpRule http;
    private final AccessRule access;
    private final Message requestPrototype;
    private final Message responsePrototype;

    RpcMethod(MethodDescriptor descriptor) {
        this.descriptor = descriptor;
        this.http = descriptor.getOptions().getExtension(AnnotationsProto.http);
        this.access = accessRule(descriptor, http);
        this.requestPrototype = MessageTypes.defaultInstance(descriptor.getInputType());
        this.responsePrototype = MessageTypes.defaultInstance(descriptor.getOutputType());
    }

    private static AccessRule accessRule(MethodDescriptor descriptor, HttpRule http) {
        AuthType type = descriptor.getOptions().getExtension(ExtensionProto.clAuthType);
        AccessRule.Auth auth = switch (type) {
            case PAT_AUTH -> AccessRule.Auth.PAT;
            case NO_AUTH -> AccessRule.Auth.NONE;
            case KEY_AUTH -> AccessRule.Auth.KEY;
            default -> throw new IllegalStateException(descriptor.getFullName() + " has no cl_auth_type");
        };
        String primaryPath = HttpBindings.pathOf(http);
        AccessRule.Level level = primaryPath.contains("{user_app_id.app_id}") ? AccessRule.Level.APP
                : primaryPath.contains("{user_app_id.user_id}") ? AccessRule.Level.USER
                : AccessRule.Level.GLOBAL;
        return new AccessRule(auth, level, descriptor.getOptions().getExtension(ExtensionProto.clDependingScopes));
    }

    /** The short name, e.g. {@code PostTasks}. */
    public String name() {
        return descriptor.getName();
    }

    /** The gRPC full name, e.g. {@code clarifai.api.V2/PostTasks}. */
    public String fullName() {
        return descriptor.getService().getFullName() + "/" + descriptor.getName();
    }

    public MethodDescriptor descriptor() {
        return descriptor;
    }

    public HttpRule http() {
        return http;
    }

    public AccessRule access() {
        return access;
    }

    public Message requestPrototype() {
        return requestPrototype;
    }

    public Message responsePrototype() {
        return responsePrototype;
    }
}
