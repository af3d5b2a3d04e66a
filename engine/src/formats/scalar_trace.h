// Internal: tracing the bytes of a decoded string back to the file it was
// written in, so an error found inside the string (a CEL parse error in a
// GCP attributeCondition, say) points at the right line and column even when
// the file escaped or folded the text.

#ifndef TRUSTCHECK_SRC_FORMATS_SCALAR_TRACE_H_
#define TRUSTCHECK_SRC_FORMATS_SCALAR_TRACE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace trustcheck {

// `text` is a whole file and `start` the offset where a string scalar begins:
// a JSON string or YAML double-quoted scalar (`"`), a YAML single-quoted
// scalar (`'`), a YAML literal or folded block scalar (`|`, `>`), or a YAML
// plain scalar (anything else). `decoded` is the string the JSON or YAML
// parser produced for it.
//
// Returns, for each byte of `decoded`, the offset in `text` of the byte (or
// escape sequence, or line break) it came from, followed by one more offset
// for the end of the string. Returns nullopt when the raw text does not
// decode to `decoded` by the rules implemented here (block scalars with an
// explicit indentation indicator, for one); callers then fall back to an
// approximate location.
std::optional<std::vector<uint32_t>> TraceScalar(std::string_view text, size_t start, std::string_view decoded);

// The byte offset of a 1-based line and column in `text`, or nullopt when
// the text has no such position.
std::optional<size_t> OffsetOfLineColumn(std::string_view text, uint32_t line, uint32_t column);

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_FORMATS_SCALAR_TRACE_H_
