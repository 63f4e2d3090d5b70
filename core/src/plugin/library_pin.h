// Keeps a plugin library loaded for as long as any object it made is alive.
//
// The object's own destructor (plugin code) must run before the library can
// be unloaded, and the unloading must happen in host code. So the host wraps
// each object in a new shared_ptr whose deleter first drops the plugin's
// pointer, then the library handle.
#pragma once

#include <memory>

#include "streamgate/plugin.h"

namespace boost::dll {
class shared_library;
}

namespace streamgate {

using LibraryHandle = std::shared_ptr<boost::dll::shared_library>;

template <class T>
std::shared_ptr<T> pinLibrary(std::shared_ptr<T> object, LibraryHandle library) {
  if (!object) return nullptr;
  T* raw = object.get();
  return std::shared_ptr<T>(raw, [object = std::move(object), library = std::move(library)](T*) mutable {
    object.reset();   // plugin destructor runs while the library is still mapped
    library.reset();  // now the library may go
  });
}

// A Backend whose capabilities (and, for the bus, subscriptions) are pinned too.
std::shared_ptr<Backend> pinBackend(std::shared_ptr<Backend> backend, LibraryHandle library);

}  // namespace streamgate
