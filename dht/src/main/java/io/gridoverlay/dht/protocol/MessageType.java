package io.gridoverlay.dht.protocol;

/** The Kad message types with their wire numbers (field {@code type} of {@code Message}). */
public enum MessageType {
    PUT_VALUE(0),
    GET_VALUE(1),
    ADD_PROVIDER(2),
    GET_PROVIDERS(3),
    FIND_NODE(4),
    PING(5);

    private static final MessageType[] BY_NUMBER = values();

    private final int number;

    MessageType(int number) {
        this.number = number;
    }

    /** The wire number. */
    public int number() {
        return number;
    }

    /** The type with wire number {@code n}. @throws KadProtocolException if unknown */
    public static MessageType ofNumber(int n) {
        if (n < 0 || n >= BY_NUMBER.length) {
            throw new KadProtocolException(KadProtocolException.Kind.INVALID_FIELD, "unknown message type " + n);
        }
        return BY_NUMBER[n];
    }
}
