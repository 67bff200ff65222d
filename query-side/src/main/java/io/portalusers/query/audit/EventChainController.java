package io.portalusers.query.audit;

import io.portalusers.api.InvalidValueException;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.chain.ChainHash;
import io.portalusers.platform.chain.ChainVerifier;
import io.portalusers.platform.chain.EventChain;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.RuleViolationException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;

/**
 * The event log's hash chain for auditors (docs/auditors.md, "Verifying the log"): its head
 * (keep its hash outside the service), and a verification that recomputes every link from the
 * rows as they are now. Here, beside the export, because both read the log for auditors; the
 * sealing and the verification are the platform's, which owns the event tables. Portal Admins
 * and audit:read clients only: the chain is about the whole log. A verification reads the
 * whole log, so it takes one of the export's slots.
 */
@RestController
class EventChainController {

    private final EventChain chain;
    private final ExportSlots slots;

    EventChainController(EventChain chain, ExportSlots slots) {
        this.chain = chain;
        this.slots = slots;
    }

    /** The chain's head as an auditor keeps it, and how far sealing has got; sealedAt is null before the first seal. */
    record ChainHead(long headIndex, String headHash, long sealed, Instant sealedAt, long unsealed,
                     long oldestUnsealedAgeSeconds) {
    }

    @GetMapping("/api/audit/chain")
    ChainHead head(AuditReader reader) {
        readsEverything(reader);
        EventChain.Status status = chain.status();
        return new ChainHead(status.headIndex(), status.headHash(), status.sealed(), status.sealedAt(),
                status.unsealed(), status.unsealedAge(Instant.now()).toSeconds());
    }

    /**
     * Verifies from the first event, or from {@code from} whose hash {@code hash} the auditor
     * kept; with {@code check=INDEX:HASH}, the hash computed at that index must be that one too.
     */
    @GetMapping("/api/audit/chain/verify")
    ChainVerifier.Report verify(AuditReader reader, @RequestParam(defaultValue = "0") long from,
                                @RequestParam(required = false) String hash,
                                @RequestParam(required = false) String check) {
        readsEverything(reader);
        if (from < 0) {
            throw new InvalidValueException("from", "must be 0 or more");
        }
        if (from > 0 && hash == null) {
            FieldErrors errors = new FieldErrors();
            errors.combination("hash", "is required with from: the hash at that index you trust");
            errors.throwIfAny();
        }
        byte[] fromHash = from == 0 ? ChainHash.GENESIS : hash("hash", hash);
        Long checkIndex = null;
        byte[] checkHash = null;
        if (check != null) {
            int colon = check.indexOf(':');
            try {
                checkIndex = Long.parseLong(check.substring(0, Math.max(colon, 0)));
            } catch (NumberFormatException e) {
                throw new InvalidValueException("check", "must be INDEX:HASH");
            }
            checkHash = hash("check", check.substring(colon + 1));
        }
        try (ExportSlots.Slot slot = slots.take(reader)) {
            return chain.verify(from, fromHash, checkIndex, checkHash);
        }
    }

    private static byte[] hash(String field, String hex) {
        try {
            return ChainHash.unhex(hex);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(field, "must be a hash of 64 hexadecimal digits");
        }
    }

    private static void readsEverything(AuditReader reader) {
        if (!reader.readsEverything()) {
            throw RuleViolationException.forbidden("R-AUD-1",
                    "Portal Admins and audit:read clients read the event log's hash chain");
        }
    }
}
