#pragma once
#include <string>

namespace dind {

// Writes content to path so that a reader sees either the old file or the whole new one: a
// temporary file in the same directory, fsync, rename. Throws dind::Error on failure, leaving
// the old file in place.
void write_file_atomically(const std::string& path, const std::string& content);

// The same with exactly this mode (say 0600 for a file holding secrets), whatever the umask.
void write_file_atomically(const std::string& path, const std::string& content, unsigned mode);

} // namespace dind
