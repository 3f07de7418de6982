// The eddyop command line: parses, validates and dispatches to the stages.
#pragma once

namespace eddyop::cli {
int main(int argc, char** argv);
}
