#include "harness/core/yaml_text.h"

#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>
#include <yaml.h>

#include <cerrno>
#include <csignal>
#include <cstdio>

namespace ra2cert {
namespace {

// Length of the UTF-8 sequence at text[i] when it encodes a character YAML allows
// (c-printable), 0 otherwise.
std::size_t PrintableLength(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80)
    return (lead >= 0x20 && lead != 0x7F) || lead == '\t' || lead == '\n' || lead == '\r';
  std::size_t length = 0;
  unsigned int code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
  const bool allowed = code == 0x85 || (code >= 0xA0 && code <= 0xD7FF) ||
                       (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF);
  return !overlong && allowed ? length : 0;
}

// libyaml (the reference C parser, fuzzed upstream) reads the whole stream first: what it
// refuses is not YAML, and yaml-cpp never sees it. It also bounds nesting and aliases.
Status CheckYamlSyntax(const std::string& text, const std::string& what) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return Error(what + ": cannot start the YAML parser");
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  int depth = 0, aliases = 0;
  Status status = Ok();
  for (bool done = false; !done && status.ok();) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      status = Error(what + ":" + std::to_string(parser.problem_mark.line + 1) + ":" +
                         std::to_string(parser.problem_mark.column + 1) +
                         ": not valid YAML: " + (parser.problem ? parser.problem : "syntax error") +
                         (parser.context ? std::string(" ") + parser.context : ""),
                     2);
      break;
    }
    const auto line = event.start_mark.line + 1;
    switch (event.type) {
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT:
        if (++depth > kYamlMaxNesting)
          status = Error(what + ":" + std::to_string(line) + ": nested more than " +
                             std::to_string(kYamlMaxNesting) + " levels deep",
                         2);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        --depth;
        break;
      case YAML_ALIAS_EVENT:
        if (++aliases > kYamlMaxAliases)
          status = Error(what + ":" + std::to_string(line) + ": more than " +
                             std::to_string(kYamlMaxAliases) + " aliases (*name)",
                         2);
        break;
      case YAML_STREAM_END_EVENT:
        done = true;
        break;
      default:
        break;
    }
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return status;
}

// Debian's yaml-cpp 0.7 still loops without end on some texts libyaml accepts (the fuzzer
// keeps finding new ones, e.g. a tagged key followed by an escaped-quote scalar). A parser
// that can hang must not run where it cannot be stopped: a child process parses the text
// first, under a time limit, and only a text it finished on reaches the real parse.
Status CheckYamlCppFinishes(const std::string& text, const std::string& what) {
  const pid_t child = ::fork();
  if (child < 0) return Ok();  // no probe possible: the real parse runs as it always did
  if (child == 0) {
    // The limit must hold whatever the parent did with SIGALRM (ignored or blocked).
    ::signal(SIGALRM, SIG_DFL);
    sigset_t alarm_only;
    ::sigemptyset(&alarm_only);
    ::sigaddset(&alarm_only, SIGALRM);
    ::sigprocmask(SIG_UNBLOCK, &alarm_only, nullptr);
    ::alarm(kYamlParseSeconds);
    try {
      (void)YAML::LoadAll(text);
    } catch (...) {
    }
    ::_exit(0);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    return Error(what + ": the YAML parser did not finish on this text within " +
                     std::to_string(kYamlParseSeconds) +
                     " s (a yaml-cpp defect); it is not a file ra2cert can read",
                 2);
  return Ok();
}

}  // namespace

Status CheckYamlText(const std::string& text, const std::string& what) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = PrintableLength(text, i);
    if (length == 0) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[i]));
      return Error(what + ":" + std::to_string(line) + ":" + std::to_string(column) + ": byte " +
                       byte +
                       " is not allowed in YAML (control characters and invalid UTF-8 are "
                       "not); is this the right file?",
                   2);
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  if (auto syntax = CheckYamlSyntax(text, what); !syntax) return syntax;
  return CheckYamlCppFinishes(text, what);
}

}  // namespace ra2cert
