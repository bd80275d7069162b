// Noto Sans SC for Chinese pages on devices that have no Chinese font of their own. The faces are
// split by unicode-range, so a page downloads only the parts that hold its characters; devices
// with a Chinese font never download them (web/src/styles.css names the installed fonts first).
import '@fontsource/noto-sans-sc/400.css'
import '@fontsource/noto-sans-sc/700.css'
