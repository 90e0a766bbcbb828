// Runs a fuzz harness without libFuzzer, so that the ordinary build (g++, -Werror) compiles
// every harness and the test suite (plain and under ASan/UBSan) replays the seed corpus and
// every kept regression input through it, each also truncated and with bytes flipped.
//   usage: <harness>_replay FILE_OR_DIR...
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(const std::vector<std::uint8_t>& bytes) { LLVMFuzzerTestOneInput(bytes.data(), bytes.size()); }

// A few fixed damages per input, the same on every run: a fuzzer's first moves, without its
// randomness, so a failure here reproduces by rerunning the test.
void replay_with_damage(const std::vector<std::uint8_t>& bytes) {
  run(bytes);
  if (bytes.empty()) return;
  std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() / 2));
  run(cut);
  cut.assign(bytes.begin(), bytes.end() - 1);
  run(cut);
  for (std::size_t step = 1; step <= 4; ++step) {
    std::vector<std::uint8_t> flipped = bytes;
    std::size_t at = bytes.size() * step / 5;
    flipped[at] ^= 0x5a;
    run(flipped);
  }
}

bool replay_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
    return false;
  }
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  replay_with_damage(bytes);
  std::printf("replayed %s (%zu bytes)\n", path.c_str(), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg = argv[i];
    if (std::filesystem::is_directory(arg)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(arg))
        if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) ok = replay_file(f) && ok, ++replayed;
    } else {
      ok = replay_file(arg) && ok;
      ++replayed;
    }
  }
  std::printf("%zu inputs replayed\n", replayed);
  return ok && replayed > 0 ? 0 : 1;
}
