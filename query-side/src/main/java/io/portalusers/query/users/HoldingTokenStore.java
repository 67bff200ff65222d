package io.portalusers.query.users;

import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventhandling.tokenstore.UnableToInitializeTokenException;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The users processor's token store: the shared one, except that while a segment holds rows
 * in memory ({@link HeldUserRows}) it stores the token up to which everything was written, not
 * the one asked for. A claim of a segment (or its release) forgets what the segment held, so
 * whoever processes it next starts from a token that nothing lost lies past.
 */
final class HoldingTokenStore implements TokenStore {

    private final TokenStore delegate;
    private final HeldUserRows held;

    HoldingTokenStore(TokenStore delegate, HeldUserRows held) {
        this.delegate = delegate;
        this.held = held;
    }

    @Override
    public void storeToken(TrackingToken token, String processorName, int segment) throws UnableToClaimTokenException {
        HeldUserRows.Held rows = held.segment(segment);
        rows.lock.lock();
        try {
            if (rows.broken) {
                throw new IllegalStateException("segment " + segment + " lost rows it held in a rolled back batch; "
                        + "it must be claimed again and resume from its stored token");
            }
            rows.latest = token;
            UsersProjection.Batch batch = CurrentUnitOfWork.isStarted()
                    ? CurrentUnitOfWork.get().root().getResource(UsersProjection.BATCH) : null;
            boolean holding = batch != null ? batch.holds() : !rows.isEmpty();
            if (!holding) {
                // a batch that holds nothing writes every row it changed and every held one in this transaction
                rows.written = token;
            }
            delegate.storeToken(rows.written, processorName, segment);
        } finally {
            rows.lock.unlock();
        }
    }

    @Override
    public TrackingToken fetchToken(String processorName, int segment) throws UnableToClaimTokenException {
        return forgetting(segment, () -> delegate.fetchToken(processorName, segment));
    }

    @Override
    public TrackingToken fetchToken(String processorName, Segment segment) throws UnableToClaimTokenException {
        return forgetting(segment.getSegmentId(), () -> delegate.fetchToken(processorName, segment));
    }

    @Override
    public void releaseClaim(String processorName, int segment) {
        forgetting(segment, () -> {
            delegate.releaseClaim(processorName, segment);
            return null;
        });
    }

    /** Claims or releases a segment, and forgets what it held: it resumes from the token it now has, if any. */
    private TrackingToken forgetting(int segment, Supplier<TrackingToken> claimOrRelease) {
        HeldUserRows.Held rows = held.segment(segment);
        rows.lock.lock();
        try {
            TrackingToken stored = claimOrRelease.get();
            rows.reset(stored);
            return stored;
        } finally {
            rows.lock.unlock();
        }
    }

    @Override
    public void extendClaim(String processorName, int segment) throws UnableToClaimTokenException {
        delegate.extendClaim(processorName, segment);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount) throws UnableToClaimTokenException {
        delegate.initializeTokenSegments(processorName, segmentCount);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount, TrackingToken initialToken)
            throws UnableToClaimTokenException {
        delegate.initializeTokenSegments(processorName, segmentCount, initialToken);
    }

    @Override
    public void initializeSegment(TrackingToken token, String processorName, int segment)
            throws UnableToInitializeTokenException {
        delegate.initializeSegment(token, processorName, segment);
    }

    @Override
    public void deleteToken(String processorName, int segment) throws UnableToClaimTokenException {
        delegate.deleteToken(processorName, segment);
    }

    @Override
    public boolean requiresExplicitSegmentInitialization() {
        return delegate.requiresExplicitSegmentInitialization();
    }

    @Override
    public int[] fetchSegments(String processorName) {
        return delegate.fetchSegments(processorName);
    }

    @Override
    public List<Segment> fetchAvailableSegments(String processorName) {
        return delegate.fetchAvailableSegments(processorName);
    }

    @Override
    public Optional<String> retrieveStorageIdentifier() {
        return delegate.retrieveStorageIdentifier();
    }
}
