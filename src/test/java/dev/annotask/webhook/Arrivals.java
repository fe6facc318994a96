package dev.annotask.webhook;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one receiver path got, read as a subscriber would: each event's first arrival in the
 * order they came, and the arrivals of an event already seen (the duplicates at-least-once
 * allows), each with the moment of the first. Immutable.
 */
final class Arrivals {
    /** One request: the event it carried and when it came ({@link System#nanoTime}). */
    record Arrival(String eventId, String type, JsonObject event, long atNanos) {
        JsonObject data() {
            return event.getAsJsonObject("data");
        }
    }

    /** An event received again: when it first came and when again. */
    record Repeat(String eventId, String type, long firstAtNanos, long againAtNanos) {
    }

    private final List<Receiver.Request> requests;
    private final List<Arrival> firsts = new ArrayList<>();
    private final List<Repeat> repeats = new ArrayList<>();

    Arrivals(List<Receiver.Request> requests) {
        this.requests = List.copyOf(requests);
        Map<String, Long> firstAt = new HashMap<>();
        for (Receiver.Request request : this.requests) {
            JsonObject event = Hooks.json(request);
            Arrival arrival = new Arrival(event.get("id").getAsString(), event.get("type").getAsString(), event,
                    request.receivedAtNanos());
            Long first = firstAt.putIfAbsent(arrival.eventId(), arrival.atNanos());
            if (first == null) {
                firsts.add(arrival);
            } else {
                repeats.add(new Repeat(arrival.eventId(), arrival.type(), first, arrival.atNanos()));
            }
        }
    }

    List<Receiver.Request> requests() {
        return requests;
    }

    /** Each event once, in the order of its first arrival. */
    List<Arrival> firsts() {
        return List.copyOf(firsts);
    }

    Set<String> eventIds() {
        Set<String> ids = new LinkedHashSet<>();
        firsts.forEach(arrival -> ids.add(arrival.eventId()));
        return ids;
    }

    List<Arrival> ofType(String type) {
        return firsts.stream().filter(arrival -> arrival.type().equals(type)).toList();
    }

    List<Repeat> repeats() {
        return List.copyOf(repeats);
    }
}
