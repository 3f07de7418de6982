#include "eddyop/cli.hpp"

int main(int argc, char** argv) {
  return eddyop::cli::main(argc, argv);
}
