package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * A read that consent allowed got no answer from an EPJ: none is registered, it takes no reads (pull only), the
 * patient asked for has no active service of the ServiceCodes at the EPJ (need-to-know, VKP 1.3), the EPJ was down
 * or failed, or the answer came after the request had stopped waiting (then it was not passed on), or the read's
 * deadline had passed before a stage came to it (then that stage and the later ones did no work for it).
 *
 * @param stage             {@code consent}, {@code routing} or {@code delivery}
 * @param status            the HTTP status the vendor is answered with
 * @param vkpCode           the VKP code of the answer
 * @param retryAfterSeconds when a retry may succeed (the EPJ was down), else null
 */
@EventType("no.knutepunkt.read.failed.v1")
public record ReadFailed(String readId, String orgnr, Sender sender, String stage, int status, String vkpCode,
        String rule, String reason, Integer retryAfterSeconds, Instant failedAt) implements EventData {

    @Override
    public String messageId() {
        return readId;
    }

    /**
     * The end of a read nobody waits for any more: a stage behind its topic sheds it unasked, so that a backlog of
     * dead reads costs little and the live ones behind it are reached sooner.
     */
    public static ReadFailed expired(String readId, String orgnr, Sender sender, String stage, Instant now) {
        return new ReadFailed(readId, orgnr, sender, stage, 504, "3.1", "read-expired", "the read's deadline had "
                + "passed before " + stage + " came to it; nothing more was done for it", null, now);
    }
}
