// trustcheck/status.h: source locations, located errors and Result<T>.
//
// OVERVIEW
//
// Every fallible call in the engine returns a Status or a Result<T>; nothing
// throws across the public API and nothing logs. An error is data: a one-line
// lowercase message (user input in backticks, no trailing period) and the
// location it refers to, so the command line can print
//
//     policy.json:12:7: error: unknown condition operator `StringEqualz`
//
// and exit with code 2.
//
// THREAD SAFETY
//
// All types here are values; const methods may be called from any thread.

#ifndef TRUSTCHECK_STATUS_H_
#define TRUSTCHECK_STATUS_H_

#include <cstdint>
#include <memory>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace trustcheck {

// The file a location is in: a 4-byte id into one process-wide table of
// paths, so that a location is 12 bytes and every path is stored once,
// however many nodes point into its file. Ids are never reused; the table
// lives until the process exits (one entry per distinct path). Reads like a
// pointer to the path: `*file`, `file->size()`, `if (file)`.
class FileId {
 public:
  FileId() = default;  // no file
  FileId(std::nullptr_t) {}  // NOLINT: reads like the null pointer it replaces
  // The id of `path`, the same id for the same path. Thread-safe.
  static FileId Of(std::string_view path);
  const std::string& operator*() const;
  const std::string* operator->() const { return &**this; }
  explicit operator bool() const { return id_ != 0; }
  bool operator==(FileId other) const { return id_ == other.id_; }
  bool operator!=(FileId other) const { return id_ != other.id_; }
  uint32_t value() const { return id_; }

 private:
  explicit FileId(uint32_t id) : id_(id) {}
  uint32_t id_ = 0;
};

// A position in a source file. Every AST node carries one. line and column
// are 1-based; 0 means unknown. Locations never take part in AST equality.
struct SourceLoc {
  FileId file;
  uint32_t line = 0;
  uint32_t column = 0;

  // A whole file, no line: errors about reading it.
  static SourceLoc File(std::string_view path) { return SourceLoc{FileId::Of(path)}; }

  const std::string& path() const;
  bool known() const { return line != 0; }
  // "file:line:column", "file:line" or "file" depending on what is known.
  std::string ToString() const;
};

// What kind of error a Status is, for a program that acts on it (report a
// limit, retry a read); the message says the rest. The command line exits 2
// whatever the code; ErrorCodeName() is its name in JSON reports.
enum class ErrorCode : uint8_t {
  kInvalid,      // malformed input: a policy, a token, a template (the default)
  kUnreadable,   // the input cannot be read: missing, not a regular file, an I/O error
  kTooLarge,     // the input passes a limit (bytes, nesting, values, files, steps)
  kUnsupported,  // readable, but not something trustcheck reads (no known format, unknown `--type`)
  kInternal,     // a bug, caught at the load boundary instead of ending the program
};
const char* ErrorCodeName(ErrorCode code);  // "invalid", "unreadable", "too-large", ...

// The outcome of an operation that returns no value. [[nodiscard]]: an
// ignored error is a silent accept waiting to happen; a call whose error is
// meant to be dropped says so with a cast to void and a comment.
class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  // A malformed-input error (ErrorCode::kInvalid).
  static Status Error(SourceLoc loc, std::string message) {
    return Error(ErrorCode::kInvalid, std::move(loc), std::move(message));
  }
  static Status Error(ErrorCode code, SourceLoc loc, std::string message) {
    Status s;
    s.error_ = std::make_shared<Detail>(Detail{std::move(loc), std::move(message), code});
    return s;
  }
  bool ok() const { return error_ == nullptr; }
  // kInvalid when ok (there is no error to classify).
  ErrorCode code() const { return error_ ? error_->code : ErrorCode::kInvalid; }
  const SourceLoc& loc() const;
  const std::string& message() const;
  // "file:line:column: error: message", the one line the CLI prints.
  std::string ToString() const;

 private:
  struct Detail {
    SourceLoc loc;
    std::string message;
    ErrorCode code;
  };
  std::shared_ptr<const Detail> error_;
};

// A value or a located error. Construct from a T for success, from a non-ok
// Status for failure.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status error) : v_(std::move(error)) {}       // NOLINT: must not be ok
  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace trustcheck

// Propagation, as in abseil:
//
//   TRUSTCHECK_RETURN_IF_ERROR(Parse(text));          // returns the Status when not ok
//   TRUSTCHECK_ASSIGN_OR_RETURN(Json::Value root, ParseJson(source));
//
// (the function returns Status or any Result<T>).
#define TRUSTCHECK_RETURN_IF_ERROR(...)                         \
  do {                                                          \
    ::trustcheck::Status trustcheck_status_ = (__VA_ARGS__);    \
    if (!trustcheck_status_.ok()) return trustcheck_status_;    \
  } while (false)

#define TRUSTCHECK_STATUS_CONCAT_INNER_(a, b) a##b
#define TRUSTCHECK_STATUS_CONCAT_(a, b) TRUSTCHECK_STATUS_CONCAT_INNER_(a, b)
#define TRUSTCHECK_ASSIGN_OR_RETURN(lhs, rexpr) \
  TRUSTCHECK_ASSIGN_OR_RETURN_IMPL_(TRUSTCHECK_STATUS_CONCAT_(trustcheck_result_, __LINE__), lhs, rexpr)
#define TRUSTCHECK_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                      \
  if (!result.ok()) return result.status();                   \
  lhs = std::move(result).value()

#endif  // TRUSTCHECK_STATUS_H_
