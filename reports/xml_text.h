// Text as it may appear in an XML 1.0 document: pugixml escapes markup but writes
// forbidden control characters as numeric references (&#1;) that parsers reject, and
// passes invalid UTF-8 through. Everything a case or a cluster produced goes through
// here before it reaches a report.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ra2cert {

// Invalid UTF-8 sequences become U+FFFD; characters XML 1.0 forbids become "\xNN".
std::string XmlSafeText(std::string_view text);

// At most `max_bytes` (plus a marker): the head and the tail survive, since a failure's
// cause is usually at one end of a log. Never cuts a UTF-8 sequence in half.
std::string BoundText(std::string_view text, size_t max_bytes);

}  // namespace ra2cert
