package dev.annotask.assign;

import com.google.protobuf.util.Timestamps;
import dev.annotask.annotation.Annotation;
import dev.annotask.annotation.AnnotationChecks;
import dev.annotask.annotation.AnnotationRpcs;
import dev.annotask.annotation.AnnotationStore;
import dev.annotask.api.ApiException;
import dev.annotask.api.Page;
import dev.annotask.api.RpcRegistry;
import dev.annotask.api.Validation;
import dev.annotask.event.EventType;
import dev.annotask.event.Events;
import dev.annotask.identity.Caller;
import dev.annotask.proto.api.status.StatusCode;
import dev.annotask.proto.review.LabelingVerdict;
import dev.annotask.proto.review.ListReviewNotesRequest;
import dev.annotask.proto.review.MultiReviewNoteResponse;
import dev.annotask.proto.review.MultiReviewVerdictResponse;
import dev.annotask.proto.review.PostReviewVerdictsRequest;
import dev.annotask.proto.review.ReviewNote;
import dev.annotask.proto.review.ReviewVerdict;
import dev.annotask.store.Ids;
import dev.annotask.task.StoredTask;
import dev.annotask.task.TaskStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * annotask.review (docs/COMPATIBILITY.md, "Annotask extensions: review notes"): a verdict with
 * the reviewer's comment, marks and correction in one transaction (PostReviewVerdicts), and the
 * notes it leaves (ListReviewNotes). The verdict itself is {@link ReviewService}'s, with every
 * rule PutTaskAssignments' REVIEW_* actions follow (reviewers only, never their own work, only
 * what is routed to them). Thread-safe.
 */
public final class ReviewNoteRpcs {
    private static final int MAX_ITEMS = 128;

    private final TaskStore tasks;
    private final ReviewService reviews;
    private final AnnotationStore annotations;
    private final Events events;
    private final Clock clock;

    public ReviewNoteRpcs(TaskStore tasks, ReviewService reviews, AnnotationStore annotations, Events events,
                          Clock clock) {
        this.tasks = tasks;
        this.reviews = reviews;
        this.annotations = annotations;
        this.events = events;
        this.clock = clock;
    }

    public void register(RpcRegistry registry) {
        registry.writes("PostReviewVerdicts", PostReviewVerdictsRequest.class, this::postVerdicts);
        registry.reads("ListReviewNotes", ListReviewNotesRequest.class, this::listNotes);
    }

    /** One labeling (or input) of the request, resolved to its labelings. */
    private record Item(int index, LabelingVerdict wire, List<String> assignmentIds) {
        String field() {
            return "labelings[" + index + "]";
        }
    }

    MultiReviewVerdictResponse postVerdicts(Handle handle, Caller caller, PostReviewVerdictsRequest request) {
        Validation.requireBatch("labelings", request.getLabelingsCount(), MAX_ITEMS);
        ReviewService.Verdict verdict = switch (request.getVerdict()) {
            case APPROVE -> ReviewService.Verdict.APPROVE;
            case REQUEST_CHANGES -> ReviewService.Verdict.REQUEST_CHANGES;
            case REJECT -> ReviewService.Verdict.REJECT;
            default -> throw ApiException.invalid("verdict is required: APPROVE, REQUEST_CHANGES or REJECT");
        };
        StoredTask task = tasks.require(handle, caller.app().uid(), request.getTaskId());
        String reviewer = caller.userId();
        List<Item> items = resolve(handle, task, reviewer, verdict, request.getLabelingsList());
        reviews.lockForVerdicts(handle, task, reviewer, AssignmentStore.findAll(handle, task.appUid(),
                items.stream().flatMap(i -> i.assignmentIds().stream()).toList()).values().stream()
                .map(Assignment::inputId).distinct().toList());
        List<String> plain = items.stream().filter(i -> i.wire().getCorrectionsCount() == 0)
                .flatMap(i -> i.assignmentIds().stream()).toList();
        Map<String, Assignment> decided = new LinkedHashMap<>();
        if (!plain.isEmpty()) {
            reviews.review(handle, task, reviewer, verdict, plain, List.of()).forEach(a -> decided.put(a.id(), a));
        }
        long now = clock.millis();
        List<Annotation> corrections = new ArrayList<>();
        List<ReviewNoteStore.Note> notes = new ArrayList<>();
        for (Item item : items) {
            List<String> correctionIds = List.of();
            if (item.wire().getCorrectionsCount() > 0) {
                Assignment labeling = reviews.review(handle, task, reviewer, verdict, item.assignmentIds(), List.of(),
                        true).get(0);
                decided.put(labeling.id(), labeling);
                List<Annotation> correction = correction(task, reviewer, labeling, item, now);
                annotations.insertCorrection(handle, correction, labeling.id());
                corrections.addAll(correction);
                correctionIds = correction.stream().map(Annotation::id).toList();
            }
            notes.addAll(notesOf(handle, task, reviewer, request.getVerdict(), item, decided, correctionIds, now));
        }
        ReviewNoteStore.insertAll(handle, notes);
        events.emit(handle, caller.app().uid(), EventType.ANNOTATION_CREATED,
                () -> corrections.stream().map(AnnotationRpcs::toWire).toList());
        MultiReviewVerdictResponse.Builder response = MultiReviewVerdictResponse.newBuilder();
        decided.values().forEach(a -> response.addTaskAssignments(LabelingEvents.wire(a)));
        notes.forEach(n -> response.addReviewNotes(wire(n)));
        corrections.forEach(a -> response.addCorrections(AnnotationRpcs.toWire(a)));
        return response.build();
    }

    /**
     * Checks every item and finds the labelings it names: by id, or the input's labelings
     * awaiting the reviewer (none: 54100, as for a labeling that is not awaiting review). A
     * labeling named twice is refused.
     */
    private List<Item> resolve(Handle handle, StoredTask task, String reviewer, ReviewService.Verdict verdict,
                               List<LabelingVerdict> wires) {
        List<Item> items = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < wires.size(); i++) {
            LabelingVerdict wire = wires.get(i);
            String field = "labelings[" + i + "]";
            boolean byId = !wire.getTaskAssignmentId().isEmpty();
            if (byId == !wire.getInputId().isEmpty()) {
                throw ApiException.invalid(field + ": name either task_assignment_id or input_id");
            }
            if (wire.getCorrectionsCount() > 0 && (!byId || verdict == ReviewService.Verdict.REQUEST_CHANGES)) {
                throw ApiException.invalid(field + ".corrections: a correction goes with APPROVE or REJECT of one"
                        + " labeling named by task_assignment_id (to send work back, flag its annotations instead)");
            }
            for (int j = 0; j < wire.getCorrectionsCount(); j++) {
                AnnotationChecks.check(field + ".corrections[" + j + "]", wire.getCorrections(j).getData(),
                        task.spec().getType(), Set.copyOf(task.spec().getConceptIdsList()));
            }
            List<String> ids = byId ? List.of(wire.getTaskAssignmentId())
                    : reviews.routedOn(handle, task, reviewer, wire.getInputId()).stream().map(Assignment::id).toList();
            if (ids.isEmpty()) {
                throw new ApiException(StatusCode.TASK_CONFLICT, field + ": no labeling of input '" + wire.getInputId()
                        + "' awaits your review");
            }
            for (String id : ids) {
                if (!seen.add(id)) {
                    throw ApiException.invalid(field + ": task assignment '" + id + "' is named twice");
                }
            }
            items.add(new Item(i, wire, ids));
        }
        return items;
    }

    /** The reviewer's annotations of a correction: final at once, theirs, on the labeling's input. */
    private static List<Annotation> correction(StoredTask task, String reviewer, Assignment labeling, Item item, long now) {
        return item.wire().getCorrectionsList().stream().map(wire -> new Annotation(task.appUid(), Ids.newId(),
                labeling.inputId(), task.id(), reviewer, wire.getData(), StatusCode.ANNOTATION_SUCCESS.getNumber(), null,
                now, now)).toList();
    }

    /** A note per labeling of the item, each with the flagged annotations that are that labeling's. */
    private List<ReviewNoteStore.Note> notesOf(Handle handle, StoredTask task, String reviewer, ReviewVerdict verdict,
                                               Item item, Map<String, Assignment> decided, List<String> correctionIds,
                                               long now) {
        Set<String> unmatched = new java.util.LinkedHashSet<>(item.wire().getFlaggedAnnotationIdsList());
        List<ReviewNoteStore.Note> notes = new ArrayList<>();
        for (String id : item.assignmentIds()) {
            Assignment labeling = decided.get(id);
            Set<String> own = new java.util.HashSet<>();
            annotations.ofLabeling(handle, task.appUid(), task.id(), labeling.inputId(), labeling.workerId())
                    .forEach(a -> own.add(a.id()));
            List<String> flagged = item.wire().getFlaggedAnnotationIdsList().stream().filter(own::contains).distinct()
                    .toList();
            unmatched.removeAll(flagged);
            notes.add(new ReviewNoteStore.Note(Ids.newId(), task.appUid(), task.id(), id, labeling.inputId(),
                    labeling.workerId(), reviewer, verdict.name().toLowerCase(Locale.ROOT), item.wire().getComment(),
                    flagged, correctionIds, now, labeling.sentBack()));
        }
        if (!unmatched.isEmpty()) {
            throw ApiException.invalid(item.field() + ".flagged_annotation_ids: " + unmatched
                    + " are no annotations of the labeling named");
        }
        return notes;
    }

    MultiReviewNoteResponse listNotes(Handle handle, Caller caller, ListReviewNotesRequest request) {
        StoredTask task = tasks.require(handle, caller.app().uid(), request.getTaskId());
        Page page = Page.of(request.getPage(), request.getPerPage());
        boolean seesAll = caller.ownsApp() || task.spec().getReview().getUserIdsList().contains(caller.userId());
        ReviewNoteStore.Filter filter = new ReviewNoteStore.Filter(request.getInputIdsList(),
                request.getWorkerUserIdsList(), seesAll ? null : caller.userId());
        MultiReviewNoteResponse.Builder response = MultiReviewNoteResponse.newBuilder();
        ReviewNoteStore.list(handle, task.appUid(), task.id(), filter, page.offset(), page.limit())
                .forEach(n -> response.addReviewNotes(wire(n)));
        return response.build();
    }

    private static ReviewNote wire(ReviewNoteStore.Note n) {
        return ReviewNote.newBuilder().setId(n.id()).setTaskId(n.taskId()).setTaskAssignmentId(n.assignmentId())
                .setInputId(n.inputId()).setWorkerUserId(n.workerId()).setReviewerUserId(n.reviewerId())
                .setVerdict(ReviewVerdict.valueOf(n.verdict().toUpperCase(Locale.ROOT))).setComment(n.comment())
                .addAllFlaggedAnnotationIds(n.flagged()).addAllCorrectionAnnotationIds(n.corrections())
                .setCreatedAt(Timestamps.fromMillis(n.createdAt())).setOpen(n.open()).build();
    }
}
