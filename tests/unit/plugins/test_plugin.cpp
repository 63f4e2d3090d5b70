// A plugin built several times with different defines, each variant broken
// in one deliberate way, to prove the loader's refusals.
#include <streamgate/plugin.h>

#ifndef TEST_PLUGIN_NAME
#error "TEST_PLUGIN_NAME must be defined"
#endif
#ifndef TEST_ABI_MAJOR
#define TEST_ABI_MAJOR STREAMGATE_ABI_MAJOR
#endif
#ifndef TEST_BUILD_SIGNATURE
#define TEST_BUILD_SIGNATURE STREAMGATE_BUILD_SIGNATURE
#endif

namespace {

streamgate::Status validate(const streamgate::PluginConfig& config) noexcept {
  return streamgate::noThrow([&]() -> streamgate::Status {
    auto section = streamgate::ConfigSection::parse(config.yaml, config.path);
    if (!section) return section.error();
    return section->status();
  });
}

streamgate::Expected<std::shared_ptr<streamgate::Backend>> create(
    const streamgate::PluginContext&, const streamgate::PluginConfig& config) noexcept {
  return streamgate::noThrow([&]() -> streamgate::Expected<std::shared_ptr<streamgate::Backend>> {
    if (auto status = validate(config); !status) return status;
#ifdef TEST_CREATE_THROWS
    throw std::runtime_error("connection refused by test");
#else
    return streamgate::Status(streamgate::Code::kUnavailable, "cannot reach 127.0.0.1:1 (test factory)");
#endif
  });
}

const streamgate::PluginDescriptor* entry() {
  static const streamgate::PluginDescriptor descriptor{TEST_ABI_MAJOR,
                                                       STREAMGATE_ABI_MINOR,
                                                       TEST_BUILD_SIGNATURE,
                                                       TEST_PLUGIN_NAME,
                                                       "0.0.1",
                                                       streamgate::kLockProvider,
                                                       &validate,
                                                       &create};
  return &descriptor;
}

}  // namespace

STREAMGATE_PLUGIN_ENTRY(entry)
