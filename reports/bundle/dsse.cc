#include "reports/bundle/dsse.h"

#include <nlohmann/json.hpp>

#include "harness/kube/base64.h"

namespace ra2cert::bundle {

std::string PreAuthEncoding(std::string_view payload_type, std::string_view payload) {
  std::string pae = "DSSEv1 " + std::to_string(payload_type.size()) + " ";
  pae.append(payload_type);
  pae += " " + std::to_string(payload.size()) + " ";
  pae.append(payload);
  return pae;
}

std::string RenderEnvelope(const Envelope& envelope) {
  nlohmann::json signatures = nlohmann::json::array();
  for (const auto& signature : envelope.signatures) {
    signatures.push_back({{"keyid", ""}, {"sig", EncodeBase64(signature)}});
  }
  const nlohmann::json json = {{"payloadType", envelope.payload_type},
                               {"payload", EncodeBase64(envelope.payload)},
                               {"signatures", signatures}};
  return json.dump() + "\n";
}

Result<Envelope> ParseEnvelope(std::string_view json_text) {
  const auto json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return Error("not a JSON object");
  const auto type = json.find("payloadType");
  const auto payload = json.find("payload");
  const auto signatures = json.find("signatures");
  if (type == json.end() || !type->is_string()) return Error("payloadType missing or not text");
  if (payload == json.end() || !payload->is_string()) return Error("payload missing or not text");
  if (signatures == json.end() || !signatures->is_array())
    return Error("signatures missing or not a list");
  Envelope envelope;
  envelope.payload_type = type->get<std::string>();
  auto decoded = DecodeBase64(payload->get<std::string>());
  if (!decoded) return Error("payload: " + decoded.error().message());
  envelope.payload = std::move(decoded).value();
  for (const auto& signature : *signatures) {
    const auto sig = signature.is_object() ? signature.find("sig") : signature.end();
    if (!signature.is_object() || sig == signature.end() || !sig->is_string())
      return Error("a signature has no 'sig' text");
    auto raw = DecodeBase64(sig->get<std::string>());
    if (!raw) return Error("a signature: " + raw.error().message());
    envelope.signatures.push_back(std::move(raw).value());
  }
  return envelope;
}

}  // namespace ra2cert::bundle
