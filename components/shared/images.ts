/**
 * Image references, one grammar for the config, the components and the packs. It lives in policy/common/images.ts
 * because the packs must stay self-contained (they cannot import components); components read it from here.
 */
export { ECR_REGISTRY, ImageRef, isPinnedImage, parseImage } from "../../policy/common/images";
