/**
 * Image references, one grammar for the config, the components and the packs. It lives in policy/common/images.ts
 * because the packs must stay self-contained (they cannot import components); components read it from here. The
 * pull-through upstream table and the mirrored form of an image live there too, so the mirror the components build
 * and the registry rule the packs apply read one table.
 */
export {
  ECR_REGISTRY, ImageRef, isPinnedImage, parseImage,
  PULL_THROUGH_UPSTREAMS, PULL_THROUGH_UPSTREAM_NAMES, PullThroughUpstream, isPullThroughUpstream, pullThroughUpstreamOf, mirroredImage,
} from "../../policy/common/images";
