// DSSE envelopes (github.com/secure-systems-lab/dsse) carrying in-toto Statement v1, the
// format cosign's verify-blob-attestation reads: payload and signatures in standard
// base64, each signature over the pre-authentication encoding (PAE) of type and payload.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert::bundle {

inline constexpr char kInTotoPayloadType[] = "application/vnd.in-toto+json";
inline constexpr char kStatementType[] = "https://in-toto.io/Statement/v1";
inline constexpr char kPredicateType[] = "https://ra2cert.dev/attestation/certification/v1";

// "DSSEv1 <len(type)> <type> <len(payload)> <payload>", lengths as ASCII decimal bytes.
std::string PreAuthEncoding(std::string_view payload_type, std::string_view payload);

struct Envelope {
  std::string payload_type;
  std::string payload;                  // decoded
  std::vector<std::string> signatures;  // raw signature bytes; keyid is always ""
};

// JSON text (keys sorted, one line, newline-terminated).
std::string RenderEnvelope(const Envelope& envelope);
// Strict: every field present with the right type, valid base64.
Result<Envelope> ParseEnvelope(std::string_view json_text);

}  // namespace ra2cert::bundle
