#include "harness/cri/cri_log_format.h"

#include <gtest/gtest.h>

namespace ra2cert::cri {
namespace {

TEST(CriLogFormatTest, ParsesAFullRecord) {
  auto record = ParseLogLine("2026-11-30T21:41:53.123456789Z stdout F hello world");
  ASSERT_TRUE(record) << record.error().message();
  EXPECT_EQ(record->timestamp, "2026-11-30T21:41:53.123456789Z");
  EXPECT_EQ(record->stream, "stdout");
  EXPECT_FALSE(record->partial);
  EXPECT_EQ(record->message, "hello world");
}

TEST(CriLogFormatTest, AcceptsShortFractionsOffsetsExtraTagsAndEmptyMessages) {
  // Go's RFC3339Nano drops trailing zeros; a runtime may log in local time.
  auto record = ParseLogLine("2026-11-30T21:41:53.5+01:00 stderr P:x ");
  ASSERT_TRUE(record) << record.error().message();
  EXPECT_EQ(record->stream, "stderr");
  EXPECT_TRUE(record->partial);
  EXPECT_EQ(record->message, "");
  EXPECT_TRUE(ParseLogLine("2026-11-30T21:41:53Z stdout F  two  spaces kept"));
  EXPECT_EQ(ParseLogLine("2026-11-30T21:41:53Z stdout F  two")->message, " two");
}

TEST(CriLogFormatTest, RefusesWhatIsNotTheFormat) {
  // docker's json-file line, a plain output line, and each field wrong in turn.
  EXPECT_FALSE(
      ParseLogLine(R"({"log":"hello\n","stream":"stdout","time":"2026-11-30T21:41:53Z"})"));
  EXPECT_FALSE(ParseLogLine("hello world"));
  auto time = ParseLogLine("2026-11-30 21:41:53 stdout F hello");
  ASSERT_FALSE(time);
  EXPECT_NE(time.error().message().find("not RFC 3339"), std::string::npos);
  EXPECT_FALSE(ParseLogLine("2026-13-30T21:41:53Z stdout F hello"));
  EXPECT_FALSE(ParseLogLine("2026-11-30T21:41:53.1234567890Z stdout F hello"));
  EXPECT_FALSE(ParseLogLine("2026-11-30T21:41:53 stdout F hello"));  // no zone
  auto stream = ParseLogLine("2026-11-30T21:41:53Z stdin F hello");
  ASSERT_FALSE(stream);
  EXPECT_NE(stream.error().message().find("stdin"), std::string::npos);
  auto tag = ParseLogLine("2026-11-30T21:41:53Z stdout X hello");
  ASSERT_FALSE(tag);
  EXPECT_NE(tag.error().message().find("F (full) or P (partial)"), std::string::npos);
  EXPECT_FALSE(ParseLogLine("2026-11-30T21:41:53Z stdout F"));  // no separator before message
}

TEST(CriLogFormatTest, ParsesAFileAndNamesTheBadLine) {
  auto records = ParseLog(
      "2026-11-30T21:41:53.1Z stdout F one\n"
      "2026-11-30T21:41:53.2Z stderr F oops\n"
      "2026-11-30T21:41:53.3Z stdout P tw\n"
      "2026-11-30T21:41:53.4Z stdout F o\n");
  ASSERT_TRUE(records) << records.error().message();
  ASSERT_EQ(records->size(), 4u);
  EXPECT_EQ(OutputLines(*records, "stdout"), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(OutputLines(*records, "stderr"), (std::vector<std::string>{"oops"}));

  auto bad = ParseLog("2026-11-30T21:41:53.1Z stdout F one\nplain\x01text\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("line 2"), std::string::npos) << bad.error().message();
  EXPECT_NE(bad.error().message().find("\\x01"), std::string::npos) << bad.error().message();
}

TEST(CriLogFormatTest, AFileWithoutTrailingNewlineAndAnEmptyFile) {
  auto records = ParseLog("2026-11-30T21:41:53Z stdout F last");
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(records->front().message, "last");
  auto empty = ParseLog("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace ra2cert::cri
