#include "suites/4.4/isolation_view.h"

#include <gtest/gtest.h>

namespace ra2cert::suites {
namespace {
using kube::json;

const json kNode = json::parse(R"({"status": {
  "nodeInfo": {"kernelVersion": "6.1.0-18-amd64"},
  "addresses": [{"type": "InternalIP", "address": "10.0.0.7"},
                {"type": "Hostname", "address": "node-a"}]}})");

TEST(IsolationView, ASandboxShowsNothingOfTheNode) {
  auto view = ParseIsolationView(
      "kernel=4.4.0\nprocess=sh\nprocess=sh\nblockdev=/dev/loop1 0\nmodule=insmod: can't insert "
      "'x': Function not "
      "implemented\naddress=127.0.0.1\naddress=10.244.1.9\ndone=1\n");
  ASSERT_TRUE(view) << view.error().message();
  EXPECT_EQ(view->kernel, "4.4.0");
  EXPECT_EQ(view->processes.size(), 2u);
  EXPECT_TRUE(NodeExposures(*view, kNode).empty());
}

TEST(IsolationView, APrivilegedHostContainerShowsEveryExposure) {
  auto view = ParseIsolationView(
      "kernel=6.1.0-18-amd64\nprocess=systemd\nprocess=kubelet\nprocess=containerd-shim\n"
      "blockdev=/dev/vda 512\nblockdev=/dev/loop0 0\nmodule=insmod: can't insert 'x': invalid "
      "module format\n"
      "address=10.0.0.7\ndone=1\n");
  ASSERT_TRUE(view) << view.error().message();
  const auto exposures = NodeExposures(*view, kNode);
  ASSERT_EQ(exposures.size(), 5u);
  EXPECT_NE(exposures[0].find("6.1.0-18-amd64"), std::string::npos);
  EXPECT_NE(exposures[1].find("systemd, kubelet, containerd-shim"), std::string::npos);
  EXPECT_NE(exposures[2].find("/dev/vda"), std::string::npos);
  EXPECT_EQ(exposures[2].find("/dev/loop0"), std::string::npos) << "it gave up no byte";
  EXPECT_EQ(view->block_device_nodes, 2);
  EXPECT_NE(exposures[3].find("invalid module format"), std::string::npos);
  EXPECT_NE(exposures[4].find("10.0.0.7"), std::string::npos);
}

TEST(IsolationView, AnUnprivilegedContainerOnTheNodeKernelShowsOnlyTheKernel) {
  auto view = ParseIsolationView(
      "kernel=6.1.0-18-amd64\nprocess=sh\nmodule=insmod: can't insert 'x': Operation not "
      "permitted\naddress=10.244.1.9\ndone=1\n");
  ASSERT_TRUE(view);
  const auto exposures = NodeExposures(*view, kNode);
  ASSERT_EQ(exposures.size(), 1u);
  EXPECT_NE(exposures[0].find("own kernel"), std::string::npos);
}

TEST(IsolationView, AnOutputCutShortIsAnError) {
  EXPECT_FALSE(ParseIsolationView("kernel=6.1.0\nprocess=sh\n"));
  EXPECT_FALSE(ParseIsolationView("process=sh\ndone=1\n"));
  auto cut = ParseIsolationView("\x01garbage");
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().message().find("incomplete"), std::string::npos);
}

}  // namespace
}  // namespace ra2cert::suites
