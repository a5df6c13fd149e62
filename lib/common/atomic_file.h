#pragma once
#include <string>

namespace dind {

// Writes content to path so that a reader sees either the old file or the whole new one: a
// temporary file in the same directory, fsync, rename. Throws dind::Error on failure, leaving
// the old file in place.
void write_file_atomically(const std::string& path, const std::string& content);

} // namespace dind
