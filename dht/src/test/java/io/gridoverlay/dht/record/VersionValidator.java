package io.gridoverlay.dht.record;

import io.gridoverlay.core.record.RecordValidator;
import io.gridoverlay.core.record.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Test namespace "v": the value is a decimal version, optionally "x" for invalid; higher versions win. */
final class VersionValidator implements RecordValidator {
    @Override
    public String namespace() {
        return "v";
    }

    @Override
    public Verification<Long> validate(byte[] key, byte[] value, Instant now) {
        String s = new String(value, StandardCharsets.UTF_8);
        try {
            return Verification.valid(Long.parseLong(s.split(":")[0]));
        } catch (NumberFormatException e) {
            return Verification.invalid("value '" + s + "' is not a version");
        }
    }

    @Override
    public int select(byte[] key, List<byte[]> values, Instant now) {
        int best = 0;
        for (int i = 1; i < values.size(); i++) {
            if (version(values.get(i)) > version(values.get(best))) {
                best = i;
            }
        }
        return best;
    }

    private long version(byte[] v) {
        return Long.parseLong(new String(v, StandardCharsets.UTF_8).split(":")[0]);
    }

    static byte[] key(String s) {
        return ("/v/" + s).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
