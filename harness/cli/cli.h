// The `ra2cert` command line: a table of subcommands over the library. Both the real
// binary and the engine's test binary call Main(); they differ only in the cases they
// link in.
#pragma once

namespace ra2cert {

// Exit codes: 0 pass, 1 a case failed, 2 usage or configuration error,
// 3 infrastructure error, 130 interrupted.
int Main(int argc, char** argv);

}  // namespace ra2cert
