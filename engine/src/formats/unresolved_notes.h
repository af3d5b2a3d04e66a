// Internal: notes for the values a lowering left unknown, so the linter can
// report what it could not verify. Each Node::Unknown of a trust becomes one
// kUnresolved note (its location and reason), unless a note with the same
// location and message is already there (a malformed element that was also
// left unknown).

#ifndef TRUSTCHECK_SRC_FORMATS_UNRESOLVED_NOTES_H_
#define TRUSTCHECK_SRC_FORMATS_UNRESOLVED_NOTES_H_

#include "trustcheck/ast.h"

namespace trustcheck {

void AddUnresolvedNotes(Trust* trust);

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_FORMATS_UNRESOLVED_NOTES_H_
