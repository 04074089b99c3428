package io.gridoverlay.dht.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Geohash cells of three characters and the cells within a radius. */
class GeohashTest {

    @Test
    void knownGeohashVectors() {
        // prefixes of published geohashes: u4pruydqqvj, ezs42, 6gkzwgjzn820, gcpvj0duq
        assertThat(Geohash.cell(57.64911, 10.40744)).isEqualTo("u4p");
        assertThat(Geohash.cell(42.605, -5.603)).isEqualTo("ezs");
        assertThat(Geohash.cell(-25.382708, -49.265506)).isEqualTo("6gk");
        assertThat(Geohash.cell(51.5074, -0.1278)).isEqualTo("gcp");
        assertThat(Geohash.cell(-90, -180)).isEqualTo("000");
        assertThat(Geohash.cell(90, 180)).isEqualTo(Geohash.cell(89.99, -180));   // clamped and wrapped
    }

    @Test
    void cellsWithinContainTheCellOfTheCentre() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            double lat = r.nextDouble(-89, 89);
            double lon = r.nextDouble(-180, 180);
            double radius = r.nextDouble(1, 400);
            List<String> cells = Geohash.cellsWithin(lat, lon, radius, 10_000);
            assertThat(cells).as("%s,%s r=%s", lat, lon, radius).contains(Geohash.cell(lat, lon)).doesNotHaveDuplicates();
        }
        assertThat(Geohash.cellsWithin(50.85, 4.35, 1, 64)).containsExactly(Geohash.cell(50.85, 4.35));
    }

    @Test
    void cellsWithinCrossTheAntimeridian() {
        List<String> east = Geohash.cellsWithin(0.5, 179.9, 100, 64);
        assertThat(east).contains(Geohash.cell(0.5, 179.9), Geohash.cell(0.5, -179.9));
        List<String> west = Geohash.cellsWithin(-10, -179.95, 50, 64);
        assertThat(west).contains(Geohash.cell(-10, 179.95), Geohash.cell(-10, -179.95));
    }

    @Test
    void cellsWithinIsEmptyWhenThereWouldBeTooMany() {
        assertThat(Geohash.cellsWithin(50.85, 4.35, 5000, 64)).isEmpty();
        assertThat(Geohash.cellsWithin(50.85, 4.35, 300, 64)).isNotEmpty().hasSizeLessThanOrEqualTo(64);
        assertThat(Geohash.cellsWithin(50.85, 4.35, 300, 3)).isEmpty();
    }

    @Test
    void everyPointWithinTheRadiusLiesInACellReturned() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 3000; i++) {
            double lat = r.nextDouble(-85, 85);
            double lon = r.nextDouble(-180, 180);
            double radius = r.nextDouble(10, 2500);
            List<String> cells = Geohash.cellsWithin(lat, lon, radius, 100_000);
            // a point at a random bearing and distance within the radius
            double d = r.nextDouble(0, radius) / 6371.0088;
            double bearing = r.nextDouble(0, 2 * Math.PI);
            double p1 = Math.toRadians(lat);
            double p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(bearing));
            double l2 = Math.toRadians(lon) + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(p1),
                    Math.cos(d) - Math.sin(p1) * Math.sin(p2));
            double plat = Math.toDegrees(p2);
            double plon = ((Math.toDegrees(l2) + 540) % 360) - 180;
            if (Geohash.distanceKm(lat, lon, plat, plon) > radius) {
                continue;
            }
            assertThat(cells).as("point %s,%s at %s km of %s,%s (radius %s)", plat, plon,
                    Geohash.distanceKm(lat, lon, plat, plon), lat, lon, radius).contains(Geohash.cell(plat, plon));
        }
    }

    @Test
    void distanceKmOfKnownPairs() {
        assertThat(Geohash.distanceKm(50.85, 4.35, 52.37, 4.90)).isBetween(170.0, 176.0);   // Brussels-Amsterdam
        assertThat(Geohash.distanceKm(0, 179.5, 0, -179.5)).isBetween(110.0, 112.0);
        assertThat(Geohash.distanceKm(10, 10, 10, 10)).isZero();
    }
}
