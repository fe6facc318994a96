package dev.annotask.api;

import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;

/**
 * Finds the generated Java class of a message descriptor, so that the transports can build
 * typed requests and responses for any RPC from the service descriptor alone. This is the
 * one place that reflects; it runs once per message type at startup.
 */
final class MessageTypes {
    private MessageTypes() {
    }

    static Message defaultInstance(Descriptor type) {
        String className = javaClassName(type);
        try {
            Class<?> generated = Class.forName(className);
            return (Message) generated.getMethod("getDefaultInstance").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no generated class " + className + " for " + type.getFullName(), e);
        }
    }

    private static String javaClassName(Descriptor type) {
        FileDescriptor file = type.getFile();
        FileOptions options = file.getOptions();
        String javaPackage = options.hasJavaPackage() ? options.getJavaPackage() : file.getPackage();
        if (!options.getJavaMultipleFiles()) {
            throw new IllegalStateException(file.getName() + " must set java_multiple_files");
        }
        String nested = type.getFullName().substring(file.getPackage().isEmpty() ? 0 : file.getPackage().length() + 1);
        return javaPackage + "." + nested.replace('.', '$');
    }
}
