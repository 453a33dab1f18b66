#include "harness/cli/cli.h"

int main(int argc, char** argv) { return ra2cert::Main(argc, argv); }
