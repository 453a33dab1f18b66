// An image the 4.4 image case may remove from a node without touching what the cluster's
// pods run: a copy of the probe image, pushed to the same registry repository under a
// tag of its own, whose config differs by one label, so that its image id (the config
// digest) differs too (a runtime's RemoveImage removes every tag of an image id). Only
// the new config blob and manifest are uploaded; the layers are the probe image's.
#pragma once

#include <string>

#include "harness/core/result.h"

namespace ra2cert::suites {

// "HOST[:PORT]/REPO:TAG" split at the registry and the tag.
struct ImageReference {
  std::string registry, repository, tag;
};
// A reference with a registry host and a tag, no digest; else an error naming it.
Result<ImageReference> ParseImageReference(const std::string& image);

// Pushes the copy of `image` (a plain-http registry, as the local cluster's, or one the
// harness may push to without credentials) as tag "<tag>-<marker>" and returns its
// reference. `marker` is a valid tag suffix (the run and case).
Result<std::string> PushRemovableCopy(const std::string& image, const std::string& marker);

// Best effort: deletes the copy's manifest from the registry (a registry that refuses
// deletes keeps a tag of a few hundred bytes).
void DeleteRemovableCopy(const std::string& copy);

}  // namespace ra2cert::suites
