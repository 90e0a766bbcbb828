// The safety matrix: every CLI command that reads, writes or replaces a file, run against
// every kind of file a user may point it at by mistake (or on purpose): a memory, a missing
// path, a text file, a PDF, an empty file, a directory, an encrypted capsule, a
// write-protected memory, a symlink to a memory, a memory another process holds, an existing
// output, a full disk, and a kill at a random moment.
//
// Each cell checks the rules, whatever its outcome:
//   - refused (non-zero exit): no byte of anything in the directory changed, nothing appeared;
//   - done: a command that only reads changed nothing; one that writes left memories that
//     verify (deep), and every frame of the memory it worked on is still there (by id and
//     content) or kept in the backup it says it made;
//   - killed: the same, whichever state the kill left (old or new).
// The outcomes (done, or refused with which error and exit code) form the table in
// docs/SAFETY.md, which each column's test checks; MEMVID_UPDATE_SAFETY_DOC=1 rewrites the
// column instead (review the diff).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/pdf_fixture.hpp"
#include "memvid/integrity.hpp"
#include "memvid/memvid.hpp"
#include "support/cli_process.hpp"
#include "support/loop_sizes.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace memvid;
namespace fs = std::filesystem;
namespace mt = memvid::testing;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

const std::map<std::string, std::string> kEnv = {{"MEMVID_PASSWORD", "matrix"}, {"MEMVID_CAPSULE_KDF", "min"}};

// ---------------------------------------------------------------------------------------
// Fixtures, made once per process with the CLI itself.

struct Fixtures {
  mt::TempDir dir;
  std::string memory;    // 3 frames
  std::string snapshot;  // a snapshot of another memory (2 frames)
  std::string capsule;   // `memory`, locked
  std::string pdf;
  std::string text;
};

const Fixtures& fixtures() {
  static const Fixtures* f = [] {
    auto* x = new Fixtures();
    const fs::path d = x->dir.path();
    auto cli = [&](std::vector<std::string> args) {
      const mt::CliOutcome r = mt::run_memvid(d, args, kEnv);
      if (r.code != 0) {
        ADD_FAILURE() << "fixture: memvid " << args[0] << ": " << r.err;
      }
    };
    cli({"create", "good.mv2", "--embedding", "none"});
    for (int i = 0; i < 3; ++i)
      cli({"put", "good.mv2", "--text", "frame " + std::to_string(i) + " about rivers and mountains", "--timestamp",
           "2024-01-0" + std::to_string(i + 1)});
    cli({"create", "other.mv2", "--embedding", "none"});
    cli({"put", "other.mv2", "--text", "the snapshot's own first frame", "--timestamp", "2024-02-01"});
    cli({"put", "other.mv2", "--text", "the snapshot's own second frame", "--timestamp", "2024-02-02"});
    cli({"snapshot", "other.mv2", "snap.mv2"});
    cli({"lock", "good.mv2", "-o", "caps.mv2e"});
    x->memory = slurp(d / "good.mv2");
    x->snapshot = slurp(d / "snap.mv2");
    x->capsule = slurp(d / "caps.mv2e");
    x->pdf = mt::make_pdf({{"Somebody's paper, page one."}, {"Page two."}}, "A paper");
    for (int i = 0; i < 300; ++i) x->text += "line " + std::to_string(i) + " of somebody's notes\n";
    return x;
  }();
  return *f;
}

// The inputs every cell gets beside its subject: the role-players a command needs.
void lay_out_inputs(const fs::path& d) {
  const Fixtures& f = fixtures();
  spit(d / "good.mv2", f.memory);
  spit(d / "snap.mv2", f.snapshot);
  spit(d / "caps.mv2e", f.capsule);
  fs::create_directory(d / "docs");
  spit(d / "docs" / "a.md", "# Alpha\n\nRivers run to the sea.\n");
  spit(d / "docs" / "b.txt", "Mountains stand still.\n");
  spit(d / "batch.jsonl", "{\"text\":\"one from a batch\"}\n{\"text\":\"two from a batch\"}\n");
}

// ---------------------------------------------------------------------------------------
// The columns: what the subject path holds.

enum class Column { Memory, Missing, Text, Pdf, Empty, Directory, Capsule, ReadOnly, Symlink, Locked, ExistingOut, FullDisk, Killed };

struct ColumnInfo {
  Column column;
  const char* label;
};

constexpr std::array<ColumnInfo, 13> kColumns = {{{Column::Memory, "memory"},
                                                  {Column::Missing, "missing"},
                                                  {Column::Text, "text file"},
                                                  {Column::Pdf, "PDF"},
                                                  {Column::Empty, "empty file"},
                                                  {Column::Directory, "directory"},
                                                  {Column::Capsule, "capsule"},
                                                  {Column::ReadOnly, "write-protected memory"},
                                                  {Column::Symlink, "symlink to a memory"},
                                                  {Column::Locked, "memory a writer holds"},
                                                  {Column::ExistingOut, "OUT exists"},
                                                  {Column::FullDisk, "full disk"},
                                                  {Column::Killed, "killed at a random moment"}}};

const char* label_of(Column c) {
  for (const ColumnInfo& i : kColumns)
    if (i.column == c) return i.label;
  return "?";
}

std::string subject_name(Column c) {
  if (c == Column::Pdf) return "subject.pdf";
  if (c == Column::Capsule) return "subject.mv2e";
  return "subject.mv2";
}

// A writer in another process holding a memory until destroyed.
class Holder {
 public:
  explicit Holder(const std::string& path) {
    int ready[2];
    if (::pipe(ready) != 0 || ::pipe(release_) != 0) std::abort();
    pid_ = ::fork();
    if (pid_ < 0) std::abort();
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(release_[1]);
      char c = 'x';
      try {
        OpenOptions o;
        o.nudge_poll_ms = 0;
        Memvid w = Memvid::open(path, o);
        c = 'r';
        if (::write(ready[1], &c, 1) != 1) ::_exit(3);
        while (::read(release_[0], &c, 1) > 0) {
        }
        w.close();
      } catch (...) {
        if (::write(ready[1], &c, 1) != 1) ::_exit(3);
        ::_exit(2);
      }
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(release_[0]);
    char c = 0;
    ok_ = ::read(ready[0], &c, 1) == 1 && c == 'r';
    ::close(ready[0]);
  }
  ~Holder() {
    ::close(release_[1]);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  bool ok() const { return ok_; }

 private:
  pid_t pid_ = -1;
  int release_[2] = {-1, -1};
  bool ok_ = false;
};

// A small tmpfs over a fresh directory (root, or a user allowed to mount), unmounted at the end.
class Tmpfs {
 public:
  Tmpfs() {
    char tmpl[] = "/tmp/memvid-fulldisk-XXXXXX";
    if (!::mkdtemp(tmpl)) std::abort();
    path_ = tmpl;
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=16m") == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  bool mounted() const { return mounted_; }
  const fs::path& path() const { return path_; }

  // Fills the file system to its last byte (a file of zeros, written until ENOSPC).
  void fill() {
    const int fd = ::open((path_ / "filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    std::vector<char> zeros(1 << 16, 0);
    for (std::size_t chunk = zeros.size(); chunk >= 1;) {
      if (::write(fd, zeros.data(), chunk) < static_cast<ssize_t>(chunk)) chunk /= 2;
    }
    ::close(fd);
  }
  void unfill() { fs::remove(path_ / "filler"); }

 private:
  fs::path path_;
  bool mounted_ = false;
};

// Lays out the subject for a column in directory d.
void lay_out_subject(Column c, const fs::path& d) {
  const Fixtures& f = fixtures();
  const fs::path s = d / subject_name(c);
  switch (c) {
    case Column::Memory:
    case Column::Locked:
    case Column::ExistingOut:
    case Column::FullDisk:
    case Column::Killed: spit(s, f.memory); break;
    case Column::Missing: break;
    case Column::Text: spit(s, f.text); break;
    case Column::Pdf: spit(s, f.pdf); break;
    case Column::Empty: spit(s, ""); break;
    case Column::Directory:
      fs::create_directory(s);
      spit(s / "keep.txt", "a file inside the directory");
      break;
    case Column::Capsule: spit(s, f.capsule); break;
    case Column::ReadOnly:
      spit(s, f.memory);
      ::chmod(s.c_str(), 0444);
      break;
    case Column::Symlink:
      fs::create_directory(d / "store");
      spit(d / "store" / "real.mv2", f.memory);
      fs::create_symlink("store/real.mv2", s);
      break;
  }
  if (c == Column::ExistingOut) spit(d / "out.mv2", "somebody's file that happens to be called out.mv2\n");
}

// ---------------------------------------------------------------------------------------
// The rows: commands.

struct Row {
  std::string label;
  // Arguments with the subject S; OUT is out.mv2.
  std::function<std::vector<std::string>(const std::string& s)> args;
  bool writes = true;       // a successful run may change files
  bool uses_out = false;    // writes to OUT
  bool out_is_memory = true;  // what it writes to OUT is a memory (export writes facts)
};

const std::vector<Row>& rows() {
  static const std::vector<Row> r = {
      {"create FILE", [](const std::string& s) { return std::vector<std::string>{"create", s, "--embedding", "none"}; }},
      {"put FILE --text", [](const std::string& s) { return std::vector<std::string>{"put", s, "--text", "a new note", "--lock-timeout", "50"}; }},
      {"put FILE --input DIR", [](const std::string& s) { return std::vector<std::string>{"put", s, "--input", "docs", "--lock-timeout", "50"}; }},
      {"put-many FILE", [](const std::string& s) { return std::vector<std::string>{"put-many", s, "--jsonl", "batch.jsonl", "--lock-timeout", "50"}; }},
      {"update FILE", [](const std::string& s) { return std::vector<std::string>{"update", s, "--frame", "0", "--text", "revised", "--lock-timeout", "50"}; }},
      {"delete FILE", [](const std::string& s) { return std::vector<std::string>{"delete", s, "--frame", "0", "--lock-timeout", "50"}; }},
      {"doctor FILE", [](const std::string& s) { return std::vector<std::string>{"doctor", s, "--lock-timeout", "50"}; }},
      {"doctor FILE --vacuum", [](const std::string& s) { return std::vector<std::string>{"doctor", s, "--vacuum", "--lock-timeout", "50"}; }},
      {"doctor FILE -o OUT", [](const std::string& s) { return std::vector<std::string>{"doctor", s, "--rebuild-lex-index", "-o", "out.mv2"}; }, true, true},
      {"compact FILE", [](const std::string& s) { return std::vector<std::string>{"compact", s, "--lock-timeout", "50"}; }},
      {"compact FILE -o OUT", [](const std::string& s) { return std::vector<std::string>{"compact", s, "-o", "out.mv2"}; }, true, true},
      {"snapshot FILE OUT", [](const std::string& s) { return std::vector<std::string>{"snapshot", s, "out.mv2"}; }, true, true},
      {"export FILE -o OUT", [](const std::string& s) { return std::vector<std::string>{"export", s, "-o", "out.mv2"}; }, true, true, false},
      {"restore SNAPSHOT FILE --force", [](const std::string& s) { return std::vector<std::string>{"restore", "snap.mv2", s, "--force"}; }},
      {"lock MEMORY -o FILE --force", [](const std::string& s) { return std::vector<std::string>{"lock", "good.mv2", "-o", s, "--force"}; }},
      {"unlock CAPSULE -o FILE --force", [](const std::string& s) { return std::vector<std::string>{"unlock", "caps.mv2e", "-o", s, "--force"}; }},
      {"nudge FILE", [](const std::string& s) { return std::vector<std::string>{"nudge", s}; }},
      {"find FILE", [](const std::string& s) { return std::vector<std::string>{"find", s, "--query", "rivers"}; }, false},
      {"view FILE", [](const std::string& s) { return std::vector<std::string>{"view", s, "--frame", "0"}; }, false},
      {"timeline FILE", [](const std::string& s) { return std::vector<std::string>{"timeline", s}; }, false},
      {"stats FILE", [](const std::string& s) { return std::vector<std::string>{"stats", s}; }, false},
      {"verify FILE --deep", [](const std::string& s) { return std::vector<std::string>{"verify", s, "--deep"}; }, false},
      {"inspect FILE", [](const std::string& s) { return std::vector<std::string>{"inspect", s}; }, false},
      {"who FILE", [](const std::string& s) { return std::vector<std::string>{"who", s}; }, false},
  };
  return r;
}

// ---------------------------------------------------------------------------------------
// What a directory holds, to the byte.

struct Entry {
  std::string type;  // "file", "dir", "link"
  std::string content;  // bytes, or the link target
  unsigned mode = 0;
  bool operator==(const Entry&) const = default;
};
using Tree = std::map<std::string, Entry>;

Tree tree_of(const fs::path& root) {
  Tree t;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path p = it->path();
    const std::string rel = p.lexically_relative(root).string();
    if (rel == "filler") continue;
    struct stat st {};
    ::lstat(p.c_str(), &st);
    Entry e;
    e.mode = st.st_mode & 07777;
    if (S_ISLNK(st.st_mode)) {
      e.type = "link";
      e.content = fs::read_symlink(p).string();
    } else if (S_ISDIR(st.st_mode)) {
      e.type = "dir";
    } else {
      e.type = "file";
      e.content = slurp(p);
    }
    t[rel] = std::move(e);
  }
  return t;
}

std::string tree_diff(const Tree& a, const Tree& b) {
  std::string out;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end()) out += " removed " + k + ";";
    else if (!(it->second == v)) out += " changed " + k + ";";
  }
  for (const auto& [k, v] : b)
    if (!a.count(k)) out += " added " + k + ";";
  return out;
}

// The frames of a memory by id: their content hashes (removed records map to "").
using Frames = std::map<FrameId, std::string>;

std::optional<Frames> frames_of(const fs::path& path) {
  try {
    OpenOptions o;
    o.nudge_poll_ms = 0;
    Memvid m = Memvid::open_read_only(path.string(), o);
    Frames f;
    for (FrameId id = 0; id < m.frame_count(); ++id) {
      const Frame info = m.frame_info(id);
      f[id] = info.removed ? "" : std::string(info.content_hash.begin(), info.content_hash.end());
    }
    return f;
  } catch (const Error&) {
    return std::nullopt;
  }
}

bool is_backup_name(const std::string& name) {
  return name.find(".damaged-") != std::string::npos || name.find(".replaced-") != std::string::npos;
}

// The rules for a cell, whatever happened (see the top of the file).
void check_rules(const Row& row, Column column, const fs::path& d, const Tree& before, const Tree& after,
                 const std::optional<Frames>& frames_before, bool refused, const std::string& context) {
  SCOPED_TRACE(context);
  if (refused) {
    EXPECT_TRUE(before == after) << "a refused command changed files:" << tree_diff(before, after);
    return;
  }
  if (!row.writes) {
    EXPECT_TRUE(before == after) << "a reading command changed files:" << tree_diff(before, after);
    return;
  }
  // Only the subject, OUT, the role-players' untouched copies, and named backups may differ.
  const std::string subject = subject_name(column);
  for (const auto& [name, entry] : after) {
    if (before.count(name) && before.at(name) == entry) continue;
    const bool allowed = name == subject || name == "out.mv2" || name == "store/real.mv2" || is_backup_name(name) ||
                         fs::path(name).filename().string().rfind(".", 0) == 0;
    EXPECT_TRUE(allowed) << "unexpected change to " << name;
  }
  for (const auto& [name, entry] : before)
    EXPECT_TRUE(after.count(name)) << name << " disappeared";
  // Symlinks stay symlinks to the same file.
  if (column == Column::Symlink) {
    ASSERT_TRUE(after.count(subject));
    EXPECT_EQ(after.at(subject).type, "link") << "the symlink was replaced by a file";
    EXPECT_TRUE(after.at(subject).content == before.at(subject).content) << "the symlink points elsewhere";
  }
  // Every memory the command may have written verifies.
  for (const std::string& name : {subject, std::string("out.mv2"), std::string("store/real.mv2")}) {
    if (!after.count(name) || after.at(name).type != "file") continue;
    if (name == "out.mv2" && !row.out_is_memory) continue;
    if (before.count(name) && before.at(name) == after.at(name)) continue;
    const std::string& bytes = after.at(name).content;
    if (bytes.rfind("MV2CAPS", 0) == 0) continue;  // a capsule: the lock rows
    const bool memory = bytes.size() >= 520 && (bytes.compare(0, 7, "MV2HEAD") == 0 || bytes.compare(512, 7, "MV2HEAD") == 0);
    if (!memory && bytes.empty()) continue;  // a create killed before its first write
    ASSERT_TRUE(memory) << name << " is not a memory after the command";
    const VerifyReport v = memvid::verify((d / name).string(), true);
    EXPECT_TRUE(v.ok) << name << " fails verification";
  }
  // Nothing of the memory worked on is lost: each frame is in it, or in a backup beside it.
  if (frames_before) {
    std::vector<Frames> now;
    if (auto f = frames_of(d / subject)) now.push_back(*f);
    for (const auto& [name, entry] : after)
      if (is_backup_name(name))
        if (auto f = frames_of(d / name)) now.push_back(*f);
    for (const auto& [id, hash] : *frames_before) {
      if (hash.empty()) continue;
      bool kept = false;
      for (const Frames& f : now) kept |= f.count(id) && f.at(id) == hash;
      EXPECT_TRUE(kept) << "frame " << id << " is gone";
    }
  }
}

std::string outcome_text(const mt::CliOutcome& r) {
  if (r.code == 0) return "done";
  const std::string code = r.error_code();
  return "refused " + (code.empty() ? std::string("?") : code) + " (" + std::to_string(r.code) + ")";
}

bool column_applies(const Row& row, Column c) { return c != Column::ExistingOut || row.uses_out; }

// ---------------------------------------------------------------------------------------
// One column: every row, in a fresh directory each.

std::map<std::string, std::string> run_column(Column column) {
  std::map<std::string, std::string> cells;
  std::mt19937_64 rng(static_cast<std::uint64_t>(column) * 7919 + 17);
  for (const Row& row : rows()) {
    if (!column_applies(row, column)) {
      cells[row.label] = "-";
      continue;
    }
    const std::string context = row.label + " / " + label_of(column);
    std::optional<Tmpfs> tmpfs;
    std::optional<mt::TempDir> temp;
    fs::path d;
    if (column == Column::FullDisk) {
      tmpfs.emplace();
      if (!tmpfs->mounted()) return {};  // the caller skips the column
      d = tmpfs->path();
    } else {
      temp.emplace();
      d = temp->path();
    }
    lay_out_inputs(d);
    lay_out_subject(column, d);
    const std::string s = subject_name(column);
    std::vector<std::string> args = row.args(s);
    args.push_back("--json");
    std::optional<Holder> holder;
    if (column == Column::Locked) {
      holder.emplace((d / s).string());
      EXPECT_TRUE(holder->ok()) << context;
    }
    std::optional<Frames> frames_before = frames_of(d / s);
    if (column == Column::Killed) {
      // How long an uninterrupted run takes, in a copy; then kills spread over 0 .. 1.2x that.
      mt::TempDir probe;
      lay_out_inputs(probe.path());
      lay_out_subject(column, probe.path());
      const double full_ms = std::max(1.0, mt::run_memvid(probe.path(), args, kEnv).elapsed_ms);
      const int kMaxKills = mt::short_loops() ? 2 : 4;
      for (int k = 0; k < kMaxKills; ++k) {
        mt::TempDir round;
        lay_out_inputs(round.path());
        lay_out_subject(column, round.path());
        const Tree before = tree_of(round.path());
        const auto delay = std::chrono::microseconds(
            static_cast<std::int64_t>(std::uniform_real_distribution<double>(0, 1.2)(rng) * full_ms * 1000));
        const mt::CliOutcome r = mt::run_memvid(round.path(), args, kEnv, delay);
        const Tree after = tree_of(round.path());
        // Killed or not, the rules of a finished run hold; a command that was refused
        // anyway (create over a memory) changed nothing.
        check_rules(row, column, round.path(), before, after, frames_before, !r.killed && r.code != 0,
                    context + " (killed after " + std::to_string(delay.count()) + " us)");
      }
      cells[row.label] = "intact";
      continue;
    }
    if (column == Column::FullDisk) tmpfs->fill();
    const Tree before = tree_of(d);
    const mt::CliOutcome r = mt::run_memvid(d, args, kEnv);
    const Tree after = tree_of(d);
    if (column == Column::FullDisk) tmpfs->unfill();
    holder.reset();
    EXPECT_FALSE(r.killed) << context;
    EXPECT_TRUE(r.code == 0 || !r.error_code().empty()) << context << ": exit " << r.code << " without a typed error\n" << r.err;
    check_rules(row, column, d, before, after, frames_before, r.code != 0, context + "\n" + r.err);
    cells[row.label] = outcome_text(r);
  }
  return cells;
}

// ---------------------------------------------------------------------------------------
// docs/SAFETY.md: the table between the matrix markers, one column checked (or rewritten).

const fs::path kDoc = fs::path(MEMVID_SOURCE_DIR) / "docs" / "SAFETY.md";
constexpr std::string_view kBegin = "<!-- safety-matrix:cli:begin -->";
constexpr std::string_view kEnd = "<!-- safety-matrix:cli:end -->";

std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cur;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|') {
      const auto b = cur.find_first_not_of(' '), e = cur.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : cur.substr(b, e - b + 1));
      cur.clear();
    } else {
      cur += line[i];
    }
  }
  return cells;
}

std::string strip_ticks(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '`'), s.end());
  return s;
}

// The table as rows of cells (header first), read from the document.
std::vector<std::vector<std::string>> read_table(const std::string& doc) {
  std::vector<std::vector<std::string>> table;
  const auto begin = doc.find(kBegin), end = doc.find(kEnd);
  if (begin == std::string::npos || end == std::string::npos) return table;
  std::istringstream in(doc.substr(begin + kBegin.size(), end - begin - kBegin.size()));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("|", 0) != 0 || line.find("---") != std::string::npos) continue;
    table.push_back(split_cells(line));
  }
  return table;
}

std::string render_table(const std::vector<std::vector<std::string>>& table) {
  std::string out = "\n";
  for (std::size_t r = 0; r < table.size(); ++r) {
    out += "|";
    for (std::size_t c = 0; c < table[r].size(); ++c)
      out += " " + (r > 0 && c == 0 ? "`" + table[r][c] + "`" : table[r][c]) + " |";
    out += "\n";
    if (r == 0) {
      out += "|";
      for (std::size_t c = 0; c < table[r].size(); ++c) out += c == 0 ? "---|" : ":---:|";
      out += "\n";
    }
  }
  return out;
}

void check_or_update_doc(Column column, const std::map<std::string, std::string>& cells) {
  const bool update = std::getenv("MEMVID_UPDATE_SAFETY_DOC") != nullptr;
  // Columns run in parallel processes: one at a time reads and rewrites the document.
  const int lock_fd = ::open(kDoc.c_str(), O_RDONLY);
  ASSERT_GE(lock_fd, 0) << kDoc << " is missing";
  ::flock(lock_fd, LOCK_EX);
  const std::string doc = slurp(kDoc);
  std::vector<std::vector<std::string>> table = read_table(doc);
  if (table.empty() && update) {
    std::vector<std::string> header{"command"};
    for (const ColumnInfo& c : kColumns) header.push_back(c.label);
    table.push_back(header);
    for (const Row& row : rows()) {
      std::vector<std::string> r(header.size(), "");
      r[0] = row.label;
      table.push_back(r);
    }
  }
  ASSERT_FALSE(table.empty()) << "no table between " << kBegin << " and " << kEnd << " in " << kDoc;
  for (auto& r : table)
    if (!r.empty()) r[0] = strip_ticks(r[0]);
  const auto col = std::find(table[0].begin(), table[0].end(), label_of(column));
  ASSERT_NE(col, table[0].end()) << "no column '" << label_of(column) << "' in " << kDoc;
  const std::size_t c = static_cast<std::size_t>(col - table[0].begin());
  std::string mismatches;
  if (update) {
    // The document's rows become the matrix's rows, in its order: new commands get a row,
    // retired ones lose theirs.
    std::vector<std::vector<std::string>> reordered{table[0]};
    for (const Row& row : rows()) {
      auto it = std::find_if(table.begin() + 1, table.end(), [&](const auto& r) { return !r.empty() && r[0] == row.label; });
      reordered.push_back(it != table.end() ? *it : std::vector<std::string>{row.label});
      if (it == table.end()) mismatches += "\n  new row '" + row.label + "'";
    }
    if (reordered.size() != table.size()) mismatches += "\n  rows retired";
    table = std::move(reordered);
  }
  for (const Row& row : rows()) {
    auto it = std::find_if(table.begin() + 1, table.end(), [&](const auto& r) { return !r.empty() && r[0] == row.label; });
    if (it == table.end()) {
      mismatches += "\n  no row '" + row.label + "'";
      continue;
    }
    if (it->size() <= c) it->resize(c + 1);
    const std::string& got = cells.at(row.label);
    if ((*it)[c] != got) {
      mismatches += "\n  " + row.label + ": the document says '" + (*it)[c] + "', the run gives '" + got + "'";
      (*it)[c] = got;
    }
  }
  if (update && !mismatches.empty()) {
    const auto begin = doc.find(kBegin), end = doc.find(kEnd);
    spit(kDoc, doc.substr(0, begin + kBegin.size()) + render_table(table) + doc.substr(end));
  } else {
    EXPECT_TRUE(mismatches.empty()) << "docs/SAFETY.md, column '" << label_of(column) << "':" << mismatches
                                    << "\n(MEMVID_UPDATE_SAFETY_DOC=1 rewrites the column; review the diff)";
  }
  ::flock(lock_fd, LOCK_UN);
  ::close(lock_fd);
}

void run_and_check(Column column) {
  const std::map<std::string, std::string> cells = run_column(column);
  if (cells.empty()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)";
  check_or_update_doc(column, cells);
}

TEST(SafetyMatrix, Memory) { run_and_check(Column::Memory); }
TEST(SafetyMatrix, Missing) { run_and_check(Column::Missing); }
TEST(SafetyMatrix, TextFile) { run_and_check(Column::Text); }
TEST(SafetyMatrix, Pdf) { run_and_check(Column::Pdf); }
TEST(SafetyMatrix, EmptyFile) { run_and_check(Column::Empty); }
TEST(SafetyMatrix, Directory) { run_and_check(Column::Directory); }
TEST(SafetyMatrix, Capsule) { run_and_check(Column::Capsule); }
TEST(SafetyMatrix, WriteProtected) { run_and_check(Column::ReadOnly); }
TEST(SafetyMatrix, Symlink) { run_and_check(Column::Symlink); }
TEST(SafetyMatrix, HeldByAWriter) { run_and_check(Column::Locked); }
TEST(SafetyMatrix, ExistingOutput) { run_and_check(Column::ExistingOut); }
TEST(SafetyMatrix, FullDisk) { run_and_check(Column::FullDisk); }
TEST(SafetyMatrix, Killed) { run_and_check(Column::Killed); }

}  // namespace
