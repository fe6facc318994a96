package dev.annotask.api.grpc;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;

/**
 * The protobuf descriptors behind our gRPC service and method definitions. The reflection
 * service lists a service, and serves its files to {@code grpcurl}, only when the service's
 * schema descriptor is one of these supplier types. Immutable.
 */
final class SchemaDescriptors {
    private SchemaDescriptors() {
    }

    record OfService(ServiceDescriptor service) implements ProtoServiceDescriptorSupplier {
        @Override
        public FileDescriptor getFileDescriptor() {
            return service.getFile();
        }

        @Override
        public ServiceDescriptor getServiceDescriptor() {
            return service;
        }
    }

    record OfMethod(MethodDescriptor method) implements ProtoMethodDescriptorSupplier {
        @Override
        public FileDescriptor getFileDescriptor() {
            return method.getFile();
        }

        @Override
        public ServiceDescriptor getServiceDescriptor() {
            return method.getService();
        }

        @Override
        public MethodDescriptor getMethodDescriptor() {
            return method;
        }
    }
}
