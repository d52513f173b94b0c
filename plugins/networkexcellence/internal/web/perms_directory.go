package web

// Permissions of the School Support Directory part (issue 15). The central
// team's work on it (the taxonomy, accrediting Areas of Excellence, the
// partnership's events, the figures) uses PermManage and PermBoard.
const (
	// PermDirectory: search the School Support Directory, see its school
	// cards, the map, the days on offer, connect with a school, rate a day
	// one attended. Every registered user of the tenant holds it: that is
	// the Directory's point. It shows no pupil data and no review report.
	PermDirectory = "networkexcellence.directory.read"
	// PermDayHost: offer a school's Leadership Development Days, see their
	// bookings and take attendance, keep the school's Directory profile, at
	// the school.
	PermDayHost = "networkexcellence.day.host"
	// PermDayBook: book the school's leaders on a day, and cancel the
	// school's bookings, at the school.
	PermDayBook = "networkexcellence.day.book"
)

// Settings of the Directory part.
const (
	// SettingTiles is the map's tile server, a URL template with {z}, {x}
	// and {y}; empty draws the points on a plain outline of England.
	SettingTiles = "map_tiles"
	// SettingTilesCredit is the attribution the tile server asks for.
	SettingTilesCredit = "map_tiles_attribution"
	// SettingPostcodeFile is the path, on the plugin's machine, of the
	// postcode table the places job reads.
	SettingPostcodeFile = "postcode_file"
)

// Jobs of the Directory part that pages enqueue.
const (
	// JobConnect mails a connect message to the school's contact.
	JobConnect = "connect_mail"
	// JobPlaces looks up schools' postcodes in the postcode table.
	JobPlaces = "places"
)
