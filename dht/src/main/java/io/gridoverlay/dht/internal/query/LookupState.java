package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;

import java.util.Objects;

/**
 * What a lookup wants its driver to do next, returned by {@code next(now)}.
 *
 * <ul>
 *   <li>{@link Waiting}: send a request to {@code peer()}, then report the outcome with
 *       {@code onSuccess}/{@code onFailure}, and call {@code next} again (more requests may be ready).</li>
 *   <li>{@link AtCapacity}: α requests are in flight; wait for a response or for
 *       {@code nextTimerNanos()} before calling {@code next} again.</li>
 *   <li>{@link Idle}: fewer than α requests are in flight but no candidate is ready; wait likewise.</li>
 *   <li>{@link Finished}: the lookup is over; read its result. Outstanding requests may be abandoned.</li>
 * </ul>
 *
 * @param <P> the peer handle type
 */
public sealed interface LookupState<P>
        permits LookupState.Waiting, LookupState.AtCapacity, LookupState.Idle, LookupState.Finished {

    /** Send a request to {@code peer}. */
    record Waiting<P>(P peer) implements LookupState<P> {
        /** Requires a peer. */
        public Waiting {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** α requests are in flight: nothing may be sent until one completes or times out. */
    record AtCapacity<P>() implements LookupState<P> {
    }

    /** Requests are in flight but no further candidate is known yet: wait for a response or timeout. */
    record Idle<P>() implements LookupState<P> {
    }

    /** The lookup ended for {@code reason}. */
    record Finished<P>(FinishReason reason) implements LookupState<P> {
        /** Requires a reason. */
        public Finished {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
