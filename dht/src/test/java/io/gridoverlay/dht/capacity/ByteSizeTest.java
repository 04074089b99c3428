package io.gridoverlay.dht.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link ByteSize}: the sizes capacity files and the command line accept. */
class ByteSizeTest {
    private static final long GIB = 1L << 30;

    @Test
    void binaryDecimalAndBareSizesParseExactly() {
        assertThat(ByteSize.parse("64GiB")).isEqualTo(64 * GIB);
        assertThat(ByteSize.parse("64gib")).isEqualTo(64 * GIB);
        assertThat(ByteSize.parse(" 2 TiB ")).isEqualTo(2L << 40);
        assertThat(ByteSize.parse("1.5KiB")).isEqualTo(1536);
        assertThat(ByteSize.parse("500GB")).isEqualTo(500_000_000_000L);
        assertThat(ByteSize.parse("4096")).isEqualTo(4096);
        assertThat(ByteSize.parse("4096B")).isEqualTo(4096);
        assertThat(ByteSize.parse("7PiB")).isEqualTo(7L << 50);
    }

    @Test
    void badSizesAreRefusedSayingWhy() {
        assertThatThrownBy(() -> ByteSize.parse("32G")).hasMessageContaining("unknown unit 'g'");
        assertThatThrownBy(() -> ByteSize.parse("GiB")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> ByteSize.parse("-1GiB")).hasMessageContaining("negative");
        assertThatThrownBy(() -> ByteSize.parse("0.3B")).hasMessageContaining("whole number of bytes");
        assertThatThrownBy(() -> ByteSize.parse("9000PiB")).hasMessageContaining("too large");
        assertThatThrownBy(() -> ByteSize.parse("1e3")).hasMessageContaining("not a size");
    }

    @Test
    void formatsForPeopleAndExactlyForFiles() {
        assertThat(ByteSize.format(512)).isEqualTo("512B");
        assertThat(ByteSize.format(64 * GIB)).isEqualTo("64GiB");
        assertThat(ByteSize.format(100_000_000_000L)).isEqualTo("93.1GiB");
        assertThat(ByteSize.formatExact(64 * GIB)).isEqualTo("64GiB");
        assertThat(ByteSize.formatExact(3 * GIB / 2)).isEqualTo("1536MiB");
        assertThat(ByteSize.formatExact(1000)).isEqualTo("1000");
        for (long v : new long[] {0, 1, 1023, 1024, 5L << 40, 123_456_789_012L}) {
            assertThat(ByteSize.parse(ByteSize.formatExact(v))).isEqualTo(v);
        }
    }
}
