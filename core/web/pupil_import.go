package web

// registerImportRoutes declares the pupil import pages (upload, preview, commit, progress).
func (s *Server) registerImportRoutes() {}
