#include "trustcheck/read.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace trustcheck {

namespace {

Status TooLarge(const std::string& path, const ReadOptions& options) {
  return Status::Error(ErrorCode::kTooLarge, SourceLoc::File(path), fmt::format("{} is larger than the limit of {} bytes", options.what,
                                                  options.max_bytes));
}

Status CannotRead(const std::string& path, int error) {
  // strerror's words, lowercased as std::filesystem words them.
  std::string why = std::strerror(error);
  if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
  return Status::Error(ErrorCode::kUnreadable, SourceLoc::File(path), fmt::format("cannot read file: {}", why));
}

// Closes the descriptor on every path out.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd > 2) ::close(fd);
  }
};

}  // namespace

bool ReadAllBounded(int fd, size_t max_bytes, std::string* out) {
  out->clear();
  char buffer[64 * 1024];
  while (out->size() <= max_bytes) {
    size_t want = std::min(sizeof buffer, max_bytes + 1 - out->size());
    ssize_t n = ::read(fd, buffer, want);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out->append(buffer, static_cast<size_t>(n));
  }
  return out->size() <= max_bytes;
}

// One open, one fstat and one read per regular file: std::ifstream costs
// more than the read itself on small files (it allocates and fills its own
// buffer).
Result<std::string> ReadBounded(const std::string& path, const ReadOptions& options) {
  Descriptor file{-1};
  if (path == "-" && options.allow_streams) {
    file.fd = STDIN_FILENO;
  } else {
    // Non-blocking, so that opening a FIFO without a writer does not wait.
    file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (file.fd < 0) return CannotRead(path, errno);
  }
  struct stat info;
  if (::fstat(file.fd, &info) != 0) return CannotRead(path, errno);
  if (S_ISDIR(info.st_mode)) return CannotRead(path, EISDIR);
  if (!S_ISREG(info.st_mode)) {
    if (!options.allow_streams) return CannotRead(path, EOPNOTSUPP);
    // A stream: read blocking, to its end or one byte past the limit.
    int flags = ::fcntl(file.fd, F_GETFL);
    if (flags >= 0) (void)::fcntl(file.fd, F_SETFL, flags & ~O_NONBLOCK);
    std::string text;
    if (!ReadAllBounded(file.fd, options.max_bytes, &text)) return TooLarge(path, options);
    return text;
  }
  auto size = static_cast<size_t>(info.st_size);
  if (size > options.max_bytes) return TooLarge(path, options);
  std::string text(size, '\0');
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(file.fd, text.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the file shrank, or an error: keep what was read
    done += static_cast<size_t>(n);
  }
  text.resize(done);
  return text;
}

}  // namespace trustcheck
