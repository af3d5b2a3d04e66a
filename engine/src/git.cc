#include "trustcheck/git.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>

#include "trustcheck/read.h"

extern char** environ;

namespace trustcheck {

namespace fs = std::filesystem;

namespace {

std::string Chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// A listing or a ref is small; blobs get the file limit.
constexpr size_t kMaxListingBytes = 64u << 20;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> RunGit(const std::string& dir, const std::vector<std::string>& args, size_t max_bytes) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> words = {"git", "-C", dir};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(out[0]);
    return std::nullopt;
  }
  std::string text;
  bool within = ReadAllBounded(out[0], max_bytes, &text);
  ::close(out[0]);
  if (!within) ::kill(pid, SIGTERM);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!within || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return text;
}

Result<GitSnapshot> SnapshotAt(const std::string& rev, const std::string& path, size_t max_file_bytes) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  fs::path dir = fs::is_directory(abs, ec) ? abs : abs.parent_path();
  while (!dir.empty() && !fs::exists(dir, ec)) dir = dir.parent_path();  // deleted in the work tree
  auto top = RunGit(dir.string(), {"rev-parse", "--show-toplevel"}, kMaxListingBytes);
  if (!top) return Status::Error(SourceLoc::File(path), "not inside a git work tree");
  fs::path root = fs::weakly_canonical(Chomp(*top), ec);
  if (!RunGit(root.string(), {"rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"},
              kMaxListingBytes))
    return Status::Error(SourceLoc::File(path), fmt::format("`{}` is not a commit of this repository", rev));
  std::string rel = fs::weakly_canonical(abs, ec).lexically_relative(root).generic_string();
  if (rel == ".") rel.clear();
  GitSnapshot snapshot;
  snapshot.shown_root = rev + ":" + rel;
  auto type = RunGit(root.string(), {"cat-file", "-t", rev + ":" + rel}, kMaxListingBytes);
  if (!type) return snapshot;  // absent at REV: every trust of PATH is new
  bool tree = Chomp(*type) == "tree";
  char tmpl[] = "/tmp/trustcheck-diff-XXXXXX";
  if (!mkdtemp(tmpl)) return Status::Error(SourceLoc::File(path), "cannot create a temporary folder");
  snapshot.temp_dir = tmpl;
  std::vector<std::string> files;
  if (tree) {
    auto listing = RunGit(root.string(), {"ls-tree", "-r", "--name-only", rev, "--", rel.empty() ? "." : rel},
                          kMaxListingBytes);
    if (!listing) {
      RemoveSnapshot(snapshot);
      return Status::Error(SourceLoc::File(path), fmt::format("cannot list `{}` at `{}`", path, rev));
    }
    files = Lines(*listing);
  } else {
    files.push_back(rel);
  }
  fs::path load_path = tree ? fs::path(snapshot.temp_dir) / "tree" : fs::path(snapshot.temp_dir) / fs::path(rel).filename();
  for (const std::string& file : files) {
    auto text = RunGit(root.string(), {"show", rev + ":" + file}, max_file_bytes);
    if (!text) {
      RemoveSnapshot(snapshot);
      return Status::Error(SourceLoc::File(path), fmt::format("cannot read `{}` at `{}` (or it is larger than the limit of {} "
                                                      "bytes)",
                                                      file, rev, max_file_bytes));
    }
    fs::path target = tree ? load_path / fs::path(file).lexically_relative(rel.empty() ? "." : rel) : load_path;
    fs::create_directories(target.parent_path(), ec);
    std::ofstream(target, std::ios::binary) << *text;
  }
  if (tree) fs::create_directories(load_path, ec);
  snapshot.load_path = load_path.string();
  return snapshot;
}

void RemoveSnapshot(const GitSnapshot& snapshot) {
  std::error_code ec;
  if (!snapshot.temp_dir.empty()) fs::remove_all(snapshot.temp_dir, ec);
}

std::string ShownPath(const GitSnapshot& snapshot, const std::string& path) {
  if (snapshot.load_path.empty() || path.rfind(snapshot.load_path, 0) != 0) return path;
  std::string rest = path.substr(snapshot.load_path.size());
  std::string root = snapshot.shown_root;
  if (!rest.empty() && rest[0] == '/') {
    rest = rest.substr(1);
    if (!root.empty() && root.back() != ':') root += "/";
  }
  return root + rest;
}

}  // namespace trustcheck
