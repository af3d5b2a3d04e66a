#include "trustcheck/status.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace trustcheck {

namespace {

// The paths behind FileIds, in chunks that never move: a reader finds an
// id's path without a lock (it got the id from a location built after the
// path was stored, and the chunk pointer is published with release/acquire).
class FileTable {
 public:
  static constexpr uint32_t kChunkBits = 12;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr uint32_t kChunks = 1u << 16;  // 2^28 distinct paths in all (512 KiB of chunk pointers)

  uint32_t Intern(std::string_view path) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = ids_.find(path);
    if (it != ids_.end()) return it->second;
    uint32_t id = next_++;
    // 2^28 distinct paths: far past the load limits (a million files per load).
    if (id >> kChunkBits >= kChunks) std::abort();
    uint32_t chunk = id >> kChunkBits;
    std::string* slots = chunks_[chunk].load(std::memory_order_relaxed);
    if (!slots) {
      slots = new std::string[kChunkSize];  // never freed: ids outlive everything
      chunks_[chunk].store(slots, std::memory_order_release);
    }
    slots[id & (kChunkSize - 1)] = std::string(path);
    ids_.emplace(std::string_view(slots[id & (kChunkSize - 1)]), id);
    return id;
  }

  const std::string& Path(uint32_t id) const {
    return chunks_[id >> kChunkBits].load(std::memory_order_acquire)[id & (kChunkSize - 1)];
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string_view, uint32_t> ids_;
  uint32_t next_ = 1;  // 0 is "no file"
  std::atomic<std::string*> chunks_[kChunks] = {};
};

FileTable& Files() {
  static FileTable* table = new FileTable();  // never destroyed: locations may be read at exit
  return *table;
}

}  // namespace

FileId FileId::Of(std::string_view path) { return FileId(Files().Intern(path)); }

const std::string& FileId::operator*() const {
  static const std::string kEmpty;
  return id_ == 0 ? kEmpty : Files().Path(id_);
}

const std::string& SourceLoc::path() const { return *file; }

std::string SourceLoc::ToString() const {
  if (line == 0) return path();
  if (column == 0) return fmt::format("{}:{}", path(), line);
  return fmt::format("{}:{}:{}", path(), line, column);
}

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalid: return "invalid";
    case ErrorCode::kUnreadable: return "unreadable";
    case ErrorCode::kTooLarge: return "too-large";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kInternal: return "internal";
  }
  return "invalid";
}

const SourceLoc& Status::loc() const {
  static const SourceLoc kNone;
  return error_ ? error_->loc : kNone;
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return error_ ? error_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string where = error_->loc.ToString();
  if (where.empty()) return fmt::format("error: {}", error_->message);
  return fmt::format("{}: error: {}", where, error_->message);
}

}  // namespace trustcheck
