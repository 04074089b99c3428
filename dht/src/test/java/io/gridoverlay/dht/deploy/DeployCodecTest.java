package io.gridoverlay.dht.deploy;

import static io.gridoverlay.dht.deploy.DeployFixtures.COSIGNER;
import static io.gridoverlay.dht.deploy.DeployFixtures.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import io.gridoverlay.core.encoding.Varint;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.SignedDeployment;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Writer → reader round trips of every message, any split of the stream, and the size limit. */
class DeployCodecTest {
    static final DeployCodec CODEC = new DeployCodec(DeployCodec.MAX_MESSAGE_LENGTH);
    static final PeerId NODE = DeployFixtures.key(20).peerId();

    static Gen<DeployMessage> messages() {
        Gen<Integer> kinds = integers().between(0, 6);
        Gen<Integer> cores = integers().between(0, 64);
        Gen<String> text = strings().basicLatinAlphabet().ofLengthBetween(0, 40);
        return kinds.zip(cores, text, (k, c, t) -> {
            SignedDeployment d = DeployFixtures.signedV0("dep-" + c, NODE, c, 1L << 30);
            return switch (k) {
                case 0 -> new DeployMessage.Submit(d);
                case 1 -> new DeployMessage.Delete(DeleteRequest.open(
                        DeleteRequest.of(d, Instant.ofEpochMilli(1_700_000_000_000L + c)).sign(OWNER).toBytes()));
                case 2 -> new DeployMessage.AcceptanceAnswer(Acceptance.reject(d, "INSUFFICIENT_CAPACITY: " + t,
                        Instant.now()).sign(DeployFixtures.key(20)).toBytes());
                case 3 -> new DeployMessage.CosignRequest(d);
                case 4 -> new DeployMessage.Cosigned(new SignedDeployment.Signature(COSIGNER.publicKey(),
                        COSIGNER.sign(d.digest())));
                case 5 -> new DeployMessage.CosignRefused(t.isEmpty() ? "no" : t);
                default -> new DeployMessage.Failure(RejectionCode.values()[c % RejectionCode.values().length], t);
            };
        });
    }

    @Test
    void everyMessageSurvivesARoundTripThroughAnySplitOfTheStream() {
        qt().withFixedSeed(13L).withExamples(150)
                .forAll(lists().of(messages()).ofSizeBetween(1, 3), integers().between(1, 97))
                .checkAssert((msgs, chunk) -> {
                    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                    for (DeployMessage m : msgs) {
                        all.writeBytes(CODEC.frame(m));
                    }
                    byte[] bytes = all.toByteArray();
                    List<DeployMessage> got = new ArrayList<>();
                    DeployCodec.FrameReader reader = CODEC.newReader();
                    for (int i = 0; i < bytes.length; i += chunk) {
                        reader.read(ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i)), got::add);
                    }
                    reader.finish();
                    assertThat(got).isEqualTo(msgs);
                });
    }

    @Test
    void aLengthAboveTheLimitIsRejectedBeforeThePayloadArrives() {
        DeployCodec small = new DeployCodec(2048);
        byte[] prefix = Varint.encode(4096);
        DeployCodec.FrameReader reader = small.newReader();
        assertThatThrownBy(() -> reader.read(ByteBuffer.wrap(prefix), m -> { }))
                .isInstanceOfSatisfying(DeployProtocolException.class,
                        e -> assertThat(e.kind()).isEqualTo(DeployProtocolException.Kind.TOO_LARGE));
    }

    @Test
    void theDefaultLimitAdmitsALargestDeploymentEnvelope() {
        assertThat(DeploymentConfig.MAX_MESSAGE_LENGTH).isGreaterThan(SignedDeployment.MAX_ENVELOPE_LENGTH);
    }

    @Test
    void aTruncatedStreamIsATypedError() {
        byte[] frame = CODEC.frame(new DeployMessage.CosignRefused("no"));
        DeployCodec.FrameReader reader = CODEC.newReader();
        reader.read(ByteBuffer.wrap(frame, 0, frame.length - 1), m -> { });
        assertThatThrownBy(reader::finish).isInstanceOfSatisfying(DeployProtocolException.class,
                e -> assertThat(e.kind()).isEqualTo(DeployProtocolException.Kind.TRUNCATED));
    }

    @Test
    void aCosignResponseWithBothASignatureAndARefusalIsMalformed() {
        byte[] bytes = io.gridoverlay.dht.proto.DeployProto.DeployMessage.newBuilder()
                .setCosignResponse(io.gridoverlay.dht.proto.DeployProto.CosignResponse.newBuilder()
                        .setSigner(com.google.protobuf.ByteString.copyFrom(COSIGNER.publicKey().encode()))
                        .setSignature(com.google.protobuf.ByteString.copyFrom(new byte[64])).setRefusal("no"))
                .build().toByteArray();
        assertThatThrownBy(() -> CODEC.decode(bytes)).isInstanceOf(DeployProtocolException.class)
                .hasMessageContaining("either");
    }

    @Test
    void aDeleteSignedByAnotherDomainIsMalformed() {
        SignedDeployment d = DeployFixtures.signedV0("dep-x", NODE, 1, 1);
        byte[] forged = io.gridoverlay.core.record.Envelope.seal(OWNER, "some-other-domain", DeleteRequest.PAYLOAD_TYPE,
                DeleteRequest.of(d, Instant.now()).encode()).toBytes();
        byte[] bytes = io.gridoverlay.dht.proto.DeployProto.DeployMessage.newBuilder()
                .setDelete(com.google.protobuf.ByteString.copyFrom(forged)).build().toByteArray();
        assertThatThrownBy(() -> CODEC.decode(bytes)).isInstanceOfSatisfying(DeployProtocolException.class,
                e -> assertThat(e.kind()).isEqualTo(DeployProtocolException.Kind.MALFORMED));
    }
}
