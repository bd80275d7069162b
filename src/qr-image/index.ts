export {
  decodeQrImage,
  MAX_IMAGE_BYTES,
  MAX_IMAGE_PIXELS,
  QrImageError,
  type QrImageErrorCode,
} from './decode-qr-image.js'
