package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.record.SignedDeployment;
import java.util.Arrays;
import java.util.Objects;

/** The messages of {@code /grid/deploy/1.0.0}, decoded but not verified. Immutable values. */
sealed interface DeployMessage {

    /** Twin → node: a fully signed deployment version. */
    record Submit(SignedDeployment deployment) implements DeployMessage {
        public Submit {
            Objects.requireNonNull(deployment, "deployment");
        }
    }

    /** Twin → node: an owner-signed delete (its envelope signature already verified by decoding). */
    record Delete(DeleteRequest.Signed delete) implements DeployMessage {
        public Delete {
            Objects.requireNonNull(delete, "delete");
        }
    }

    /** Node → twin: the node-signed acceptance envelope, accepted or rejected (verified by the client). */
    record AcceptanceAnswer(byte[] envelope) implements DeployMessage {
        public AcceptanceAnswer {
            envelope = envelope.clone();
        }

        @Override
        public byte[] envelope() {
            return envelope.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AcceptanceAnswer a && Arrays.equals(a.envelope, envelope);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(envelope);
        }
    }

    /** Twin → signer: a version to co-sign. */
    record CosignRequest(SignedDeployment deployment) implements DeployMessage {
        public CosignRequest {
            Objects.requireNonNull(deployment, "deployment");
        }
    }

    /** Signer → twin: its signature over the digest (verified by the twin). */
    record Cosigned(SignedDeployment.Signature signature) implements DeployMessage {
        public Cosigned {
            Objects.requireNonNull(signature, "signature");
        }
    }

    /** Signer → twin: a refusal with the signer's reason. */
    record CosignRefused(String reason) implements DeployMessage {
        public CosignRefused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Either way: the request could not be handled and no signed answer is possible. */
    record Failure(RejectionCode code, String message) implements DeployMessage {
        public Failure {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
