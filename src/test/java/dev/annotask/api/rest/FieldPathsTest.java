package dev.annotask.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.annotask.api.ApiException;
import dev.annotask.proto.api.Concept;
import dev.annotask.proto.api.ListInputsRequest;
import dev.annotask.proto.api.ListTasksRequest;
import dev.annotask.proto.api.PatchAnnotationsStatusRequest;
import dev.annotask.proto.api.TaskInputSource.TaskInputSourceType;
import dev.annotask.proto.api.status.StatusCode;
import org.junit.jupiter.api.Test;

/** Setting request fields from path variables and query parameters, as text. */
class FieldPathsTest {

    @Test
    void dottedPathSetsANestedField() {
        ListTasksRequest.Builder request = ListTasksRequest.newBuilder();

        assertThat(FieldPaths.set(request, "user_app_id.app_id", "pets")).isTrue();
        assertThat(FieldPaths.set(request, "user_app_id.user_id", "alice")).isTrue();

        assertThat(request.getUserAppId().getAppId()).isEqualTo("pets");
        assertThat(request.getUserAppId().getUserId()).isEqualTo("alice");
    }

    @Test
    void lowerCamelCaseNamesAreAccepted() {
        ListTasksRequest.Builder request = ListTasksRequest.newBuilder();

        assertThat(FieldPaths.set(request, "userAppId.appId", "pets")).isTrue();
        assertThat(FieldPaths.set(request, "perPage", "5")).isTrue();
        assertThat(FieldPaths.set(request, "workerUserIds", "w1")).isTrue();

        assertThat(request.getUserAppId().getAppId()).isEqualTo("pets");
        assertThat(request.getPerPage()).isEqualTo(5);
        assertThat(request.getWorkerUserIdsList()).containsExactly("w1");
    }

    @Test
    void repeatedKeysAppendWhileSingularValuesAreReplaced() {
        ListTasksRequest.Builder request = ListTasksRequest.newBuilder();

        FieldPaths.set(request, "worker_user_ids", "w1");
        FieldPaths.set(request, "worker_user_ids", "w2");
        FieldPaths.set(request, "page", "1");
        FieldPaths.set(request, "page", "3");

        assertThat(request.getWorkerUserIdsList()).containsExactly("w1", "w2");
        assertThat(request.getPage()).isEqualTo(3);
    }

    @Test
    void enumsAreReadByNameOrByNumber() {
        ListInputsRequest.Builder byName = ListInputsRequest.newBuilder();
        ListInputsRequest.Builder byNumber = ListInputsRequest.newBuilder();
        ListTasksRequest.Builder nested = ListTasksRequest.newBuilder();

        FieldPaths.set(byName, "status.code", "CONN_DOES_NOT_EXIST");
        FieldPaths.set(byNumber, "status.code", "11101");
        FieldPaths.set(nested, "input_source_type", "DATASET");

        assertThat(byName.getStatus().getCode()).isEqualTo(StatusCode.CONN_DOES_NOT_EXIST);
        assertThat(byNumber.getStatus().getCode()).isEqualTo(StatusCode.CONN_DOES_NOT_EXIST);
        assertThat(nested.getInputSourceType()).isEqualTo(TaskInputSourceType.DATASET);
    }

    @Test
    void repeatedEnumsAndAliasNamesAreAccepted() {
        PatchAnnotationsStatusRequest.Builder request = PatchAnnotationsStatusRequest.newBuilder();
        ListInputsRequest.Builder alias = ListInputsRequest.newBuilder();

        FieldPaths.set(request, "status_codes", "ANNOTATION_SUCCESS");
        FieldPaths.set(request, "status_codes", "24151");
        FieldPaths.set(alias, "status.code", "INPUT_DOWNLOAD_PENDING");

        assertThat(request.getStatusCodesList())
                .containsExactly(StatusCode.ANNOTATION_SUCCESS, StatusCode.ANNOTATION_PENDING);
        assertThat(alias.getStatus().getCodeValue()).isEqualTo(30001);
    }

    @Test
    void booleansAcceptTrueFalseOneAndZero() {
        ListTasksRequest.Builder request = ListTasksRequest.newBuilder();

        FieldPaths.set(request, "including_label_order_tasks", "true");
        assertThat(request.getIncludingLabelOrderTasks()).isTrue();
        FieldPaths.set(request, "including_label_order_tasks", "0");
        assertThat(request.getIncludingLabelOrderTasks()).isFalse();
        FieldPaths.set(request, "including_label_order_tasks", "1");
        assertThat(request.getIncludingLabelOrderTasks()).isTrue();
        FieldPaths.set(request, "including_label_order_tasks", "false");
        assertThat(request.getIncludingLabelOrderTasks()).isFalse();
    }

    @Test
    void unsignedIntsUseTheWholeUnsignedRangeAndRejectNegatives() {
        ListTasksRequest.Builder request = ListTasksRequest.newBuilder();

        FieldPaths.set(request, "per_page", "4294967295");

        assertThat(Integer.toUnsignedLong(request.getPerPage())).isEqualTo(4294967295L);
        assertThat(invalid(ListTasksRequest.newBuilder(), "page", "-1").code())
                .isEqualTo(StatusCode.CONN_INVALID_REQUEST);
    }

    @Test
    void floatsAreParsed() {
        Concept.Builder concept = Concept.newBuilder();

        assertThat(FieldPaths.set(concept, "value", "0.25")).isTrue();

        assertThat(concept.hasValue()).isTrue();
        assertThat(concept.getValue()).isEqualTo(0.25f);
    }

    @Test
    void unknownOrUnsettablePathsReturnFalse() {
        ListTasksRequest.Builder request = ListTasksRequest.newBuilder();

        assertThat(FieldPaths.set(request, "nope", "x")).isFalse();
        assertThat(FieldPaths.set(request, "user_app_id.nope", "x")).isFalse();
        assertThat(FieldPaths.set(request, "nope.app_id", "x")).isFalse();
        assertThat(FieldPaths.set(request, "user_app_id", "x")).as("a message leaf").isFalse();
        assertThat(FieldPaths.set(request, "worker_ids.user_id", "x")).as("through a repeated message").isFalse();
        assertThat(FieldPaths.set(request, "page.value", "1")).as("through a scalar").isFalse();
    }

    @Test
    void anUnknownLeafUnderAKnownMessageLeavesTheRequestUnchanged() {
        ListInputsRequest.Builder request = ListInputsRequest.newBuilder();

        assertThat(FieldPaths.set(request, "status.nope", "x")).isFalse();

        assertThat(request.hasStatus()).as("a filter the caller never set must stay unset").isFalse();
    }

    @Test
    void invalidValuesRaiseInvalidRequestNamingTheParameter() {
        ApiException notANumber = invalid(ListTasksRequest.newBuilder(), "page", "abc");
        assertThat(notANumber.code()).isEqualTo(StatusCode.CONN_INVALID_REQUEST);
        assertThat(notANumber.details()).contains("'page'").contains("abc");

        ApiException notABoolean = invalid(ListTasksRequest.newBuilder(), "including_label_order_tasks", "yes");
        assertThat(notABoolean.details()).contains("including_label_order_tasks");

        ApiException unknownName = invalid(ListInputsRequest.newBuilder(), "status.code", "NOT_A_CODE");
        assertThat(unknownName.code()).isEqualTo(StatusCode.CONN_INVALID_REQUEST);
        assertThat(unknownName.details()).contains("'status.code'");

        ApiException unknownNumber = invalid(ListInputsRequest.newBuilder(), "status.code", "12345");
        assertThat(unknownNumber.details()).contains("12345");

        assertThat(invalid(ListTasksRequest.newBuilder(), "per_page", "4294967296").details()).contains("per_page");
    }

    private static ApiException invalid(com.google.protobuf.Message.Builder builder, String path, String text) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> FieldPaths.set(builder, path, text));
        assertThat(e).as("%s=%s must be rejected", path, text).isNotNull();
        return e;
    }
}
