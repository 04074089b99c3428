package io.gridoverlay.dht.capacity;

import java.util.ArrayList;
import java.util.List;

/**
 * Geohash cells of {@link IndexKeys#GEOHASH_PRECISION} characters: 15 bits, 8 of longitude and 7 of
 * latitude, so every cell is 1.40625° by 1.40625° (about 156 km north-south). Stateless.
 */
final class Geohash {
    private static final char[] BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz".toCharArray();
    static final int LON_BITS = 8;
    static final int LAT_BITS = 7;
    static final double CELL_DEGREES = 360.0 / (1 << LON_BITS);
    private static final double EARTH_RADIUS_KM = 6371.0088;

    private Geohash() {
    }

    /** The cell containing a point, as geohash text. */
    static String cell(double latitude, double longitude) {
        return encode(latIndex(latitude), lonIndex(longitude));
    }

    private static int latIndex(double latitude) {
        int i = (int) Math.floor((latitude + 90.0) / CELL_DEGREES);
        return Math.max(0, Math.min((1 << LAT_BITS) - 1, i));
    }

    private static int lonIndex(double longitude) {
        int i = (int) Math.floor((longitude + 180.0) / CELL_DEGREES);
        return Math.floorMod(i, 1 << LON_BITS);
    }

    /** Interleaves longitude and latitude bits (longitude first) as geohash does, 5 bits per character. */
    static String encode(int latIdx, int lonIdx) {
        long bits = 0;
        int lonBit = LON_BITS - 1;
        int latBit = LAT_BITS - 1;
        for (int i = 0; i < LON_BITS + LAT_BITS; i++) {
            bits <<= 1;
            if (i % 2 == 0) {
                bits |= (lonIdx >> lonBit--) & 1;
            } else {
                bits |= (latIdx >> latBit--) & 1;
            }
        }
        char[] out = new char[3];
        for (int c = 2; c >= 0; c--) {
            out[c] = BASE32[(int) (bits & 31)];
            bits >>= 5;
        }
        return new String(out);
    }

    /**
     * Every cell within {@code radiusKm} of a point (by great-circle distance to the cell's nearest point,
     * approximated on the cell's bounding box), or an empty list when there would be more than {@code max}.
     */
    static List<String> cellsWithin(double latitude, double longitude, double radiusKm, int max) {
        double dLat = Math.toDegrees(radiusKm / EARTH_RADIUS_KM);
        double latMin = Math.max(-90, latitude - dLat);
        double latMax = Math.min(90, latitude + dLat);
        double cosLat = Math.cos(Math.toRadians(Math.max(Math.abs(latMin), Math.abs(latMax))));
        double dLon = cosLat < 1e-6 ? 180 : Math.min(180, Math.toDegrees(radiusKm / (EARTH_RADIUS_KM * cosLat)));
        List<String> out = new ArrayList<>();
        int lonCells = dLon >= 180 ? 1 << LON_BITS : (int) Math.ceil(2 * dLon / CELL_DEGREES) + 1;
        int lon0 = dLon >= 180 ? 0 : lonIndex(longitude - dLon);
        for (int la = latIndex(latMin); la <= latIndex(latMax); la++) {
            for (int k = 0; k < Math.min(lonCells, 1 << LON_BITS); k++) {
                int lo = (lon0 + k) % (1 << LON_BITS);
                double cellLat0 = la * CELL_DEGREES - 90;
                double cellLon0 = lo * CELL_DEGREES - 180;
                if (distanceToCellKm(latitude, longitude, cellLat0, cellLon0) <= radiusKm) {
                    out.add(encode(la, lo));
                    if (out.size() > max) {
                        return List.of();
                    }
                }
            }
        }
        return out;
    }

    /**
     * Great-circle distance from a point to the nearest point of the cell whose south-west corner is given.
     * Beside the cell, the nearest point lies on one of its meridian edges, at the latitude where that
     * meridian comes closest to the point (poleward of the point's own latitude, as great circles bulge),
     * clamped to the edge; within the cell's longitudes, on the point's own meridian.
     */
    static double distanceToCellKm(double latitude, double longitude, double cellLat0, double cellLon0) {
        double cellLat1 = cellLat0 + CELL_DEGREES;
        if (angleWithin(longitude, cellLon0, cellLon0 + CELL_DEGREES)) {
            return distanceKm(latitude, longitude, Math.max(cellLat0, Math.min(cellLat1, latitude)), longitude);
        }
        double phi = Math.toRadians(latitude);
        double best = Double.MAX_VALUE;
        for (double edge : new double[] {cellLon0, cellLon0 + CELL_DEGREES}) {
            // on the meridian at edge, sin(phi) sin(t) + cos(phi) cos(t) cos(dl) (the cosine of the distance)
            // peaks at t = atan2(sin(phi), cos(phi) cos(dl)); beyond 90 degrees of longitude, at a pole
            double b = Math.cos(phi) * Math.cos(Math.toRadians(wrap(edge - longitude)));
            double nearest = b > 0 ? Math.toDegrees(Math.atan(Math.sin(phi) / b)) : Math.copySign(90, latitude);
            double onEdge = Math.max(cellLat0, Math.min(cellLat1, nearest));
            best = Math.min(best, distanceKm(latitude, longitude, onEdge, edge));
        }
        return best;
    }

    private static boolean angleWithin(double x, double lo, double hi) {
        double d = wrap(x - lo);
        if (d < 0) {
            d += 360;
        }
        return d <= hi - lo;
    }

    private static double wrap(double degrees) {
        double d = ((degrees + 180) % 360 + 360) % 360 - 180;
        return d;
    }

    /** Great-circle distance in km (haversine). */
    static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
