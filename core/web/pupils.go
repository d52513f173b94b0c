package web

// registerPupilRoutes declares the pupil pages and API (list, detail, edit).
func (s *Server) registerPupilRoutes() {}
