/** One millimetre in PDF points (1/72 inch). */
const MM = 72 / 25.4

/**
 * The printed width of the QR image, quiet zone included. Door scanners read a code of 35 mm or
 * more from paper reliably; 60 mm leaves room for a worn or creased printout.
 */
export const QR_PRINT_WIDTH = 60 * MM
