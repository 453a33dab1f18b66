#include "reports/bundle/dsse.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ra2cert::bundle {
namespace {

TEST(Dsse, PreAuthEncodingAsTheSpecSays) {
  // The example of the DSSE protocol document.
  EXPECT_EQ(PreAuthEncoding("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  EXPECT_EQ(PreAuthEncoding("", ""), "DSSEv1 0  0 ");
}

TEST(Dsse, EnvelopeRoundTripsWithEmptyKeyIds) {
  Envelope envelope{kInTotoPayloadType, "{\"a\":1}", {std::string("\x30\x01\xff", 3)}};
  const std::string text = RenderEnvelope(envelope);
  const auto json = nlohmann::json::parse(text);
  EXPECT_EQ(json["payloadType"], kInTotoPayloadType);
  EXPECT_EQ(json["payload"], "eyJhIjoxfQ==");
  EXPECT_EQ(json["signatures"][0]["keyid"], "");
  EXPECT_EQ(json["signatures"][0]["sig"], "MAH/");
  auto parsed = ParseEnvelope(text);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->payload, envelope.payload);
  EXPECT_EQ(parsed->signatures, envelope.signatures);
}

TEST(Dsse, RefusesMalformedEnvelopes) {
  EXPECT_FALSE(ParseEnvelope("[]"));
  EXPECT_FALSE(ParseEnvelope("{\"payloadType\":\"x\",\"payload\":\"e30=\"}"));
  EXPECT_FALSE(ParseEnvelope("{\"payloadType\":\"x\",\"payload\":\"!!\",\"signatures\":[]}"));
  EXPECT_FALSE(
      ParseEnvelope("{\"payloadType\":\"x\",\"payload\":\"e30=\",\"signatures\":[{\"sig\":1}]}"));
  EXPECT_TRUE(ParseEnvelope("{\"payloadType\":\"x\",\"payload\":\"e30=\",\"signatures\":[]}"));
}

}  // namespace
}  // namespace ra2cert::bundle
