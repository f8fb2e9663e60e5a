package no.knutepunkt.model.event;

import java.time.Instant;

/**
 * A read that consent allowed got no answer from an EPJ: none is registered, it takes no reads (pull only), the
 * patient asked for has no active service of the ServiceCodes at the EPJ (need-to-know, VKP 1.3), the EPJ was down
 * or failed, or the answer came after the request had stopped waiting (then it was not passed on).
 *
 * @param stage             {@code routing} or {@code delivery}
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
}
