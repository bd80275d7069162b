import type { MessageKey } from '../i18n/messages'

/** Every kind of venue the server knows, in its order, by the message naming it. */
export const venueCategoryName: Readonly<Record<string, MessageKey>> = {
  theatre: 'venue.category.theatre',
  museum: 'venue.category.museum',
  restaurant: 'venue.category.restaurant',
  cinema: 'venue.category.cinema',
  'concert-hall': 'venue.category.concertHall',
  sports: 'venue.category.sports',
  shop: 'venue.category.shop',
  office: 'venue.category.office',
  factory: 'venue.category.factory',
  school: 'venue.category.school',
  hospital: 'venue.category.hospital',
  transport: 'venue.category.transport',
  park: 'venue.category.park',
  other: 'venue.category.other',
  'administration-service-centre': 'venue.category.administrationServiceCentre',
}
