package io.gridoverlay.core.record;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.util.List;
import java.util.Map;

/** Protobuf parsing for records: bounded size and nesting, and no unknown fields at any depth. */
final class StrictProto {
    private StrictProto() {}

    static <M extends Message> M parse(Parser<M> parser, byte[] bytes, int maxLength, String what) {
        if (bytes.length > maxLength) {
            throw new InvalidRecordException(what + " of " + bytes.length + " bytes exceeds the limit of " + maxLength);
        }
        M m;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(16);
            m = parser.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRecordException("malformed " + what + ": " + e.getMessage(), e);
        }
        requireNoUnknownFields(m, what);
        return m;
    }

    /** Unknown fields could be critical to a newer writer, so a record carrying any is rejected. */
    static void requireNoUnknownFields(Message m, String what) {
        if (!m.getUnknownFields().asMap().isEmpty()) {
            throw new InvalidRecordException(what + " has unknown field(s) "
                    + m.getUnknownFields().asMap().keySet() + " in " + m.getDescriptorForType().getName());
        }
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            if (e.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (e.getKey().isRepeated()) {
                for (Object o : (List<?>) e.getValue()) {
                    requireNoUnknownFields((Message) o, what);
                }
            } else {
                requireNoUnknownFields((Message) e.getValue(), what);
            }
        }
    }
}
