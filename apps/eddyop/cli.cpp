#include "eddyop/cli.hpp"
namespace eddyop::cli {
int main(int, char**) {
  return 0;
}
}  // namespace eddyop::cli
