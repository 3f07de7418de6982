// Pieces of the VTK writers shared by the serial and the parallel (.pvtr/.pvti) paths.
#pragma once

#include <vtkDataSet.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkRectilinearGrid.h>
#include <vtkSmartPointer.h>
#include <vtkXMLWriter.h>

#include <array>
#include <string>

#include "postprocess/vtk_writers.hpp"

namespace eddyop::postprocess::detail {

void validate_grid_fields(const RectGrid& grid, const GridFields& fields, const char* component);
// Point arrays (velocity as active vectors, pressure as active scalars, ...) and TimeValue.
void attach_grid_fields(vtkDataSet* data, const RectGrid& grid, const GridFields& fields);
vtkSmartPointer<vtkFloatArray> point_array(const std::string& name, ArrayRef values,
                                           std::size_t ncomp);
// A rectilinear grid (or image) of `grid`'s nodes whose extent starts at `offset`.
vtkSmartPointer<vtkRectilinearGrid> rectilinear(const RectGrid& grid,
                                                const std::array<std::size_t, 3>& offset);
std::array<double, 3> uniform_spacing(const RectGrid& grid, const char* component);
vtkSmartPointer<vtkImageData> image(const RectGrid& grid, const std::array<std::size_t, 3>& offset,
                                    const std::array<double, 3>& origin,
                                    const std::array<double, 3>& spacing);
// Writes through a temporary name; throws eddyop::Error when VTK fails.
void write_with(vtkXMLWriter* writer, vtkDataObject* data, const std::string& path,
                const char* component);

}  // namespace eddyop::postprocess::detail
